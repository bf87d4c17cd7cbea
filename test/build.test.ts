/**
 * The built package as users load it: by name through the exports map, in plain Node processes
 * (ESM import, CJS require, the auto entry), and its type declarations from a TypeScript project.
 * `npm test` builds first.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, startStream, type TestServer } from './server/sse-server'

const run = promisify(execFile)
let server: TestServer

beforeAll(async () => {
  server = await startServer()
  server.route('/hello', (request, response) => {
    startStream(response)
    response.write(`data: ${request.headers.authorization}\n\n`)
  })
})
afterAll(() => server.close())

/** Receives one message with a custom header, prints it, and exits. */
const receiveOne = (url: string) => `
  const source = new EventSource(${JSON.stringify(url)}, { headers: { Authorization: 'Bearer built' } })
  source.onmessage = (event) => { console.log(event.data); source.close() }
  source.onerror = (event) => { console.error(event.message); process.exit(1) }`

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: process.cwd(), timeout: 10_000 })
  return stdout.trim()
}

describe('the built package', () => {
  it('imports by name as ESM and streams', async () => {
    const script = `import { EventSource, EventSourcePolyfill } from 'sse-polyfill'
      if (EventSourcePolyfill !== EventSource) throw new Error('EventSourcePolyfill is not EventSource')
      ${receiveOne(server.url('/hello'))}`
    expect(await node(['--input-type=module', '-e', script])).toBe('Bearer built')
  })

  it('requires by name as CJS and streams', async () => {
    const script = `const { EventSource, NativeEventSource } = require('sse-polyfill')
      if (NativeEventSource !== globalThis.EventSource) throw new Error('NativeEventSource is not the platform one')
      ${receiveOne(server.url('/hello'))}`
    expect(await node(['-e', script])).toBe('Bearer built')
  })

  it('auto installs globalThis.EventSource where there is none, and exports the same class', async () => {
    const script = `if (typeof globalThis.EventSource !== 'undefined') throw new Error('this Node already has EventSource')
      const { EventSource: Exported } = await import('sse-polyfill/auto')
      if (globalThis.EventSource !== Exported) throw new Error('not installed')
      ${receiveOne(server.url('/hello'))}`
    expect(await node(['--input-type=module', '-e', script])).toBe('Bearer built')
  })

  it('auto leaves an existing EventSource in place', async () => {
    const script = `class Existing {}
      globalThis.EventSource = Existing
      const { NativeEventSource } = require('sse-polyfill/auto')
      console.log(globalThis.EventSource === Existing && NativeEventSource === Existing)`
    expect(await node(['-e', script])).toBe('true')
  })

  it('resolves to the browser build under the "browser" condition, which streams too', async () => {
    const resolved = `console.log(import.meta.resolve('sse-polyfill').split('/dist/')[1], import.meta.resolve('sse-polyfill/auto').split('/dist/')[1])`
    expect(await node(['--conditions=browser', '--input-type=module', '-e', resolved])).toBe('browser/index.js browser/auto.js')
    const required = `console.log(require.resolve('sse-polyfill').split('/dist/')[1])`
    expect(await node(['--conditions=browser', '-e', required])).toBe('browser/index.cjs')
    const script = `import { EventSource } from 'sse-polyfill'\n${receiveOne(server.url('/hello'))}`
    expect(await node(['--conditions=browser', '--input-type=module', '-e', script])).toBe('Bearer built')
  })

  it('loads the opt-in entries by name as ESM, which work with the core', async () => {
    const script = `import { EventSource, messages } from 'sse-polyfill'
      import { backoff, debugLogger } from 'sse-polyfill/policies'
      import { fetchOrXhr } from 'sse-polyfill/xhr'
      const logged = []
      const policies = [backoff(), debugLogger({ debug: (message) => logged.push(message) })]
      const source = new EventSource(${JSON.stringify(server.url('/hello'))}, { headers: { Authorization: 'Bearer built' }, transport: fetchOrXhr(), policies })
      for await (const event of messages(source)) {
        console.log(event.data, logged[0])
        break
      }`
    expect(await node(['--input-type=module', '-e', script])).toBe(`Bearer built Open: ${server.url('/hello')}.`)
  })

  it('requires the opt-in entries by name as CJS', async () => {
    const script = `const { xhr, DEFAULT_XHR_RESPONSE_LIMIT } = require('sse-polyfill/xhr')
      const { backoff, refreshOnAuthError, wakeUp, debugLogger } = require('sse-polyfill/policies')
      try { xhr() } catch (error) { console.log(error.name, DEFAULT_XHR_RESPONSE_LIMIT, [backoff, refreshOnAuthError, wakeUp, debugLogger].map((f) => typeof f()).join()) }`
    expect(await node(['-e', script])).toBe('TypeError 4194304 object,object,object,object')
  })

  // The adapters import the core by the package's name: the app's core, so one registry serves both.
  it.each([
    ['ESM', '--input-type=module', `import { acquire } from 'sse-polyfill'\nimport { useEventSource } from 'sse-polyfill/vue'\nimport { effectScope, watch } from 'vue'`],
    ['CJS', '--input-type=commonjs', `const { acquire } = require('sse-polyfill')\nconst { useEventSource } = require('sse-polyfill/vue')\nconst { effectScope, watch } = require('vue')\nrequire('sse-polyfill/react')`],
  ])('loads the adapters by name as %s, sharing the app\'s registry', async (_format, inputType, imports) => {
    const url = JSON.stringify(server.url('/hello'))
    const script = `${imports}
      const lease = acquire(${url}, { headers: { Authorization: 'Bearer built' } })
      effectScope().run(() => {
        // No document here: it opens when asked (immediate opens at once in pages only).
        const { data, open } = useEventSource(${url})
        watch(data, (value) => { console.log(value, lease.source.readyState); process.exit(0) })
        open()
      })`
    // The hook sees the header of the connection acquire() opened: a registry of its own would have
    // opened another, without it.
    expect(await node([inputType, '-e', script])).toBe('Bearer built 1')
  })

  it('ships type declarations that a node16 TypeScript project resolves for import and require', async () => {
    const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname
    await expect(node([tsc, '-p', 'test/fixtures/consumer/tsconfig.json'])).resolves.toBe('')
  }, 30_000)
})
