/** What depends on DOM globals: the document's base URL, and the script-tag build in a window. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventSource, type FetchLike } from '../../src/index'
import { useSources } from '../helpers/sources'

const neverAnswers = vi.fn<FetchLike>(() => new Promise(() => {}))
const openSource = useSources()
const open = (url: string) => openSource(url, { fetch: neverAnswers })
afterEach(() => document.head.querySelector('base')?.remove())

describe('URL resolution in a document', () => {
  it('resolves a relative URL against the document base URL', () => {
    expect(document.baseURI).toBe('http://localhost:3000/')
    expect(open('/events?x=1').url).toBe('http://localhost:3000/events?x=1')
    expect(open('events').url).toBe('http://localhost:3000/events')
  })

  it('follows a <base href> element', () => {
    const base = document.createElement('base')
    base.href = 'http://localhost:3000/api/v2/'
    document.head.append(base)
    expect(open('stream').url).toBe('http://localhost:3000/api/v2/stream')
  })

  it('stringifies a number and resolves it as a relative URL (eventsource-constructor-stringify)', () => {
    expect(open(1 as unknown as string).url).toBe('http://localhost:3000/1')
  })

  it('resolves "" to the document URL without throwing (eventsource-constructor-empty-url)', () => {
    expect(open('').url).toBe(document.baseURI)
  })
})

describe("a listener's exception (happy-dom's dispatchEvent rethrows it)", () => {
  afterEach(() => void vi.unstubAllGlobals())

  /** A fetch whose 200 event stream sends the given text, then stays open. */
  function streaming(text: string): FetchLike {
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode(text)) })
    return async () => ({ status: 200, statusText: 'OK', url: 'http://localhost:3000/s', headers: new Headers({ 'Content-Type': 'text/event-stream' }), body })
  }

  it('is reported, and the rest of the chunk is still dispatched', async () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const source = openSource('/s', { fetch: streaming('data: 1\n\ndata: 2\n\n') })
    const received: string[] = []
    source.addEventListener('message', (event) => {
      received.push(event.data)
      if (event.data === '1') throw new Error('listener bug')
    })
    await vi.waitFor(() => expect(received).toEqual(['1', '2']))
    expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }))
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('in onerror does not stop the reconnect', async () => {
    vi.stubGlobal('reportError', vi.fn())
    let calls = 0
    // The no-cors request that tells CORS from a dead server is not a connection attempt: it fails too.
    const fetch: FetchLike = async (url, init) => {
      if (init.mode === 'no-cors') throw new TypeError('down')
      return ++calls === 1 ? Promise.reject(new TypeError('down')) : streaming('data: back\n\n')(url, init)
    }
    const source = openSource('/s', { fetch })
    source.onerror = () => {
      throw new Error('handler bug')
    }
    source.addEventListener('error', () => void 0)
    const back = new Promise((resolve) => source.addEventListener('message', resolve))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await vi.waitFor(() => expect(calls).toBe(1))
      await vi.advanceTimersByTimeAsync(3000)
    } finally {
      vi.useRealTimers()
    }
    await back
    expect(calls).toBe(2)
  })
})

describe('the script-tag build in a window', () => {
  // Node's fs does not take happy-dom's URL objects: go through a path.
  const script = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../dist/sse-polyfill.global.js'), 'utf8')

  it('defines SSEPolyfill and the migration globals, and leaves a native EventSource alone', () => {
    class NativeStandIn {}
    const scope = window as unknown as Record<string, unknown>
    scope.EventSource = NativeStandIn
    try {
      window.eval(script)
      const api = scope.SSEPolyfill as Record<string, unknown>
      expect(Object.keys(api).sort()).toEqual(['EventSource', 'EventSourcePolyfill', 'NativeEventSource', 'backoff', 'debugLogger', 'fetchOrXhr', 'messages', 'refreshOnAuthError', 'wakeUp', 'xhr'])
      expect(api.EventSourcePolyfill).toBe(api.EventSource)
      expect(api.NativeEventSource).toBe(NativeStandIn)
      expect(scope.EventSourcePolyfill).toBe(api.EventSource)
      expect(scope.NativeEventSource).toBe(NativeStandIn)
      expect(scope.EventSource).toBe(NativeStandIn)
      const Polyfill = api.EventSource as typeof EventSource
      const source = new Polyfill('/from-script-tag', { fetch: neverAnswers })
      expect(source.url).toBe('http://localhost:3000/from-script-tag')
      expect(source.readyState).toBe(Polyfill.CONNECTING)
      source.close()
    } finally {
      for (const name of ['EventSource', 'SSEPolyfill', 'EventSourcePolyfill', 'NativeEventSource']) delete scope[name]
    }
  })
})
