/**
 * [non-spec] The wakeUp option, in a window: `online`, `visibilitychange` and `pageshow` reconnect at
 * once a source that waits to reconnect, or whose stream has been silent past heartbeatTimeout. The
 * fetch is a double that counts connection attempts; Chromium's own `online` is in test/browser.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventSource, type EventSourceOptions, type FetchLike } from '../../src/index'
import { backoff, wakeUp } from '../../src/policies/index'
import { trace } from '../helpers/events'
import { useSources } from '../helpers/sources'

const open = useSources()
afterEach(() => {
  vi.restoreAllMocks()
  // No event: sources still waiting would take it for a wake-up.
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
})

/** Lets a connect that a wake-up started reach fetch (it awaits the headers first). */
const turn = () => new Promise((resolve) => setTimeout(resolve, 20))

/** A fetch whose every response is a 200 event stream sending `text` and staying open; the first ends if `firstEnds`. */
function eventStreams(text: string, { firstEnds = false } = {}) {
  const fetch = vi.fn<FetchLike>(async () => {
    const ends = firstEnds && fetch.mock.calls.length === 1
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text))
        if (ends) controller.close()
      },
    })
    return { status: 200, statusText: 'OK', url: 'http://localhost:3000/s', headers: new Headers({ 'Content-Type': 'text/event-stream' }), body }
  })
  return fetch
}

/** A source waiting a minute to reconnect: its stream ended after one event with `retry: 60000`. */
async function waitingToReconnect(options: EventSourceOptions = {}) {
  const fetch = eventStreams('retry: 60000\ndata: 1\n\n', { firstEnds: true })
  const source = open('/s', { fetch, policies: [wakeUp()], ...options })
  const events = trace(source)
  await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['open', 'message', 'error']))
  expect(source.readyState).toBe(EventSource.CONNECTING)
  return { fetch, source, events }
}

function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
  document.dispatchEvent(new Event('visibilitychange'))
}

const pageshow = (persisted: boolean) => Object.assign(new Event('pageshow'), { persisted })

describe('[non-spec] wakeUp, for a source waiting to reconnect', () => {
  it.each([
    ['online', () => window.dispatchEvent(new Event('online'))],
    ['visibilitychange to visible', () => setVisibility('visible')],
    ['pageshow from the back/forward cache', () => window.dispatchEvent(pageshow(true))],
  ])('%s: connects at once, firing no second error event', async (_name, wake) => {
    const { fetch, source, events } = await waitingToReconnect()
    wake()
    // Within waitFor's second: not the minute the reconnect timer was set for.
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2))
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['open', 'message', 'error', 'open', 'message']))
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('a page becoming hidden, or a pageshow not from the cache, does nothing', async () => {
    const { fetch, source } = await waitingToReconnect()
    setVisibility('hidden')
    window.dispatchEvent(pageshow(false))
    await turn()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(source.readyState).toBe(EventSource.CONNECTING)
  })

  it('off by default: online leaves the source waiting', async () => {
    const { fetch } = await waitingToReconnect({ policies: [] })
    window.dispatchEvent(new Event('online'))
    await turn()
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('after close(), nothing: the listeners are gone', async () => {
    const added = vi.spyOn(window, 'addEventListener')
    const { fetch, source, events } = await waitingToReconnect()
    // The listeners on window and document go with one signal, which close() aborts.
    const options = added.mock.calls.find(([type]) => type === 'online')?.[2] as AddEventListenerOptions
    expect(options.signal?.aborted).toBe(false)
    source.close()
    expect(options.signal?.aborted).toBe(true)
    window.dispatchEvent(new Event('online'))
    setVisibility('visible')
    await turn()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(events).toHaveLength(3)
  })

  it('leaves the wait alone where the server set it: a retried status, Retry-After', async () => {
    let calls = 0
    const fetch = vi.fn<FetchLike>(async (url, init) =>
      ++calls === 1 ? { status: 503, statusText: 'Service Unavailable', url, headers: new Headers({ 'Retry-After': '120' }), body: null } : eventStreams('data: 1\n\n')(url, init),
    )
    const source = open('/s', { fetch, policies: [wakeUp(), backoff()] })
    const events = trace(source)
    await vi.waitFor(() => expect(events).toHaveLength(1))
    expect(events[0]!.message).toBe('HTTP 503 Service Unavailable. Reconnecting in 120000 ms.')
    window.dispatchEvent(new Event('online'))
    await turn()
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('[non-spec] wakeUp, for an open stream', () => {
  it('leaves a stream that opened again after a reconnect alone', async () => {
    const fetch = eventStreams('retry: 1\ndata: 1\n\n', { firstEnds: true })
    const source = open('/s', { fetch, policies: [wakeUp()] })
    const events = trace(source)
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['open', 'message', 'error', 'open', 'message']))
    window.dispatchEvent(new Event('online'))
    setVisibility('visible')
    await turn()
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(events).toHaveLength(5)
  })

  it('leaves a stream that is not silent alone, hidden or visible: no close, no reconnect', async () => {
    const fetch = eventStreams('data: 1\n\n')
    const source = open('/s', { fetch, policies: [wakeUp()], heartbeatTimeout: 45_000 })
    const events = trace(source)
    await vi.waitFor(() => expect(events).toHaveLength(2))
    setVisibility('hidden')
    setVisibility('visible')
    window.dispatchEvent(new Event('online'))
    await turn()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(events.map((e) => e.type)).toEqual(['open', 'message'])
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('reconnects at once a stream silent past heartbeatTimeout whose timer has not run (as in a hidden tab)', async () => {
    const fetch = eventStreams('data: 1\n\n')
    const source = open('/s', { fetch, policies: [wakeUp()], heartbeatTimeout: 45_000 })
    const events = trace(source)
    await vi.waitFor(() => expect(events).toHaveLength(2))
    // A minute passes, in which the hidden page's timers did not run.
    const now = performance.now()
    vi.spyOn(performance, 'now').mockReturnValue(now + 60_000)
    setVisibility('visible')
    expect(events[2]).toEqual({ type: 'error', readyState: 0, status: undefined, message: 'No activity within 45000 milliseconds. Reconnecting in 0 ms.' })
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2))
    await vi.waitFor(() => expect(source.readyState).toBe(EventSource.OPEN))
  })
})
