/**
 * The React Native build (the exports map's "react-native" condition, and the "react-native" field
 * Metro reads without exports), loaded where EventTarget, Event and MessageEvent do not exist, as in
 * React Native, with its XMLHttpRequest (the double in test/helpers/react-native-xhr.ts) and a fetch
 * that cannot stream. `npm test` builds first.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as Package from '../src/index'
import { eventually } from './helpers/events'
import { createdRequests, reactNativeXhr } from './helpers/react-native-xhr'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer
let sse: typeof Package

beforeAll(async () => {
  server = await startServer()
  // Node loads its fetch (undici) lazily, and undici extends the global Event: load it first. (React
  // Native's Headers come from its whatwg-fetch.)
  new Headers()
  for (const name of ['EventTarget', 'Event', 'MessageEvent', 'DOMException']) vi.stubGlobal(name, undefined)
  vi.stubGlobal('XMLHttpRequest', reactNativeXhr())
  vi.stubGlobal('Response', class {})
  sse = (await import('../dist/react-native/index.js' as string)) as typeof Package
})
afterAll(async () => {
  vi.unstubAllGlobals()
  await server.close()
})

describe('[non-spec] React Native build', () => {
  it('resolves under the "react-native" condition, and from the "react-native" field', async () => {
    const run = promisify(execFile)
    const script = `console.log(import.meta.resolve('sse-polyfill').split('/dist/')[1], import.meta.resolve('sse-polyfill/auto').split('/dist/')[1])`
    const { stdout } = await run(process.execPath, ['--conditions=react-native', '--input-type=module', '-e', script])
    expect(stdout.trim()).toBe('react-native/index.js react-native/auto.js')
    const manifest = (await import('../package.json', { with: { type: 'json' } })).default as Record<string, unknown>
    expect(manifest['react-native']).toBe('./dist/react-native/index.cjs')
  })

  it('throws an error named SyntaxError for an invalid URL, with no DOMException on the platform', () => {
    expect(() => new sse.EventSource('http://[invalid')).toThrow(expect.objectContaining({ name: 'SyntaxError', message: expect.stringContaining('is invalid') }))
  })

  it('streams over XMLHttpRequest with its own event classes, listeners and handlers working as in the DOM', async () => {
    server.route('/rn', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('retry: 10\nid: 1\nevent: notification\ndata: hello\n\n')
      else response.write('data: again\n\n')
    })
    const source = new sse.EventSource(server.url('/rn'), { headers: { Authorization: 'Bearer rn' } })
    const seen: unknown[] = []
    const once = vi.fn()
    const removed = vi.fn()
    source.addEventListener('notification', once, { once: true })
    source.addEventListener('message', removed)
    source.removeEventListener('message', removed)
    source.addEventListener('notification', { handleEvent: (event: MessageEvent) => seen.push(['handleEvent', event.data]) })
    source.addEventListener('notification', () => {
      throw new Error('a listener that throws stops nothing')
    })
    source.onopen = function (event) {
      seen.push(['open', event.type, this === source, event.target === source])
    }
    source.onerror = (event) => seen.push(['error', event.message, source.readyState])
    source.addEventListener('notification', (event) => seen.push(['notification', event.data, event.lastEventId, event.origin]))
    source.onmessage = (event) => seen.push(['message', event.data, event.lastEventId])
    const reported: unknown[] = []
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
    await eventually(() => seen.length === 6)
    source.close()
    expect(seen).toEqual([
      ['open', 'open', true, true],
      ['handleEvent', 'hello'],
      ['notification', 'hello', '1', server.origin],
      ['error', 'The server ended the stream. Reconnecting in 10 ms.', 0],
      ['open', 'open', true, true],
      ['message', 'again', '1'],
    ])
    expect(once).toHaveBeenCalledTimes(1)
    expect(removed).not.toHaveBeenCalled()
    expect(reported).toEqual([new Error('a listener that throws stops nothing')])
    expect(createdRequests.at(-1)!.requestHeaders).toMatchObject({ authorization: 'Bearer rn', 'last-event-id': '1' })
    // The build's own classes, not the platform's, were at work.
    expect(globalThis.EventTarget).toBeUndefined()
    expect(Object.getPrototypeOf(sse.EventSource.prototype).constructor.name).toBe('MinimalEventTarget')
  })
})
