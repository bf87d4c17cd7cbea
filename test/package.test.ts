/**
 * The package as npm would publish it: `npm pack`, then arethetypeswrong (every entry's types under
 * node10, node16 from ESM and from CJS, and bundler resolution) and publint on the tarball, and the
 * README's `/// <reference types="sse-polyfill/global" />` in a TypeScript page. `npm test` builds first.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const bin = (path: string) => new URL(`../node_modules/${path}`, import.meta.url).pathname
/** What a Node CLI prints, also where it exits 1 on the problems it prints (attw, tsc). */
const output = (cli: string, args: string[]) =>
  run(process.execPath, [bin(cli), ...args]).then(
    (result) => result.stdout,
    (error: { stdout?: string }) => error.stdout || Promise.reject(error),
  )
const dir = mkdtempSync(join(tmpdir(), 'sse-polyfill-pack-'))
let tarball: string

beforeAll(async () => {
  // --ignore-scripts: prepack would rebuild dist while the other test files read it.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir])
  tarball = join(dir, JSON.parse(stdout)[0].filename)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the packed package', () => {
  it('has the types right for every entry (arethetypeswrong)', async () => {
    const { analysis } = JSON.parse(await output('@arethetypeswrong/cli/dist/index.js', [tarball, '--format', 'json']))
    // Every entry is checked, in each resolution (node10 through the typesVersions field).
    expect(Object.keys(analysis.entrypoints)).toEqual(['.', './auto', './xhr', './policies', './shared', './react', './vue', './global', './package.json'])
    expect(analysis.problems).toEqual([])
  }, 60_000)

  it('passes publint, suggestions included', async () => {
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(readFileSync(tarball)).buffer } })
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`)).toEqual([])
  }, 60_000)

  it("types the script tag's globals for a page with the README's reference line", async () => {
    // Installed as npm would: the tarball unpacked into node_modules/sse-polyfill, next to the page.
    const installed = join(dir, 'node_modules/sse-polyfill')
    mkdirSync(installed, { recursive: true })
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'])
    const page = join(dir, 'page.ts')
    writeFileSync(page, `/// <reference types="sse-polyfill/global" />
      const source: EventSource = new window.SSEPolyfill.EventSource('/s', { headers: { Authorization: 'Bearer x' } })
      source.close()
      new EventSourcePolyfill('/s', { transport: SSEPolyfill.xhr() })
      // @ts-expect-error typed, not any: undefined where the browser has no EventSource
      new NativeEventSource('/s')`)
    const options = ['--noEmit', '--strict', '--skipDefaultLibCheck', '--target', 'es2022', '--lib', 'es2022,dom', '--module', 'esnext', '--moduleResolution', 'bundler']
    expect(await output('typescript/bin/tsc', [...options, page])).toBe('')
  }, 60_000)
})
