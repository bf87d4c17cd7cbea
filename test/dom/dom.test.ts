/** What depends on DOM globals: the document's base URL, and the script-tag build in a window. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventSource, type FetchLike } from '../../src/index'

const neverAnswers = vi.fn<FetchLike>(() => new Promise(() => {}))
const sources: EventSource[] = []
function open(url: string): EventSource {
  const source = new EventSource(url, { fetch: neverAnswers })
  sources.push(source)
  return source
}
afterEach(() => {
  sources.splice(0).forEach((source) => source.close())
  document.head.querySelector('base')?.remove()
})

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

  it('resolves "" to the document URL without throwing (eventsource-constructor-empty-url)', () => {
    expect(open('').url).toBe(document.baseURI)
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
      expect(Object.keys(api).sort()).toEqual(['EventSource', 'EventSourcePolyfill', 'NativeEventSource'])
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
