import { http, HttpResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_RECONNECTION_TIME, EventSource, type EventSourceOptions, type FetchLike } from '../src/index'
import { nextEvent, settle, trace, until } from './helpers/events'
import { useMockServer } from './helpers/msw'
import { sseRoute } from './helpers/sse-route'
import { useSources } from './helpers/sources'

const server = useMockServer()
const URL_ = 'http://sse.test/stream'
const openSource = useSources()
const open = (options?: EventSourceOptions, url = URL_) => openSource(url, options)

beforeEach(() => {
  // Only timers and the clock are fake: stream reads and promises run as usual.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] })
})

afterEach(() => void vi.useRealTimers())

describe('reestablishing the connection', () => {
  it('when the stream ends: error with readyState CONNECTING, then a new request after 3000 ms', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    const first = await route.nextConnection()
    await until(() => events.length === 1)
    first.end()
    await until(() => events.length === 2)
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['open', 1], ['error', 0]])
    expect(events[1]!.message).toBe('The server ended the stream. Reconnecting in 3000 ms.')
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME - 1)
    expect(route.connections).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await route.nextConnection()
    await until(() => events.length === 3)
    expect(events.map((e) => e.type)).toEqual(['open', 'error', 'open'])
    expect(DEFAULT_RECONNECTION_TIME).toBe(3000)
  })

  it('when the connection drops mid-stream', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const first = await route.nextConnection()
    first.send('data: 1\n\ndata: partial')
    await nextEvent(source, 'message')
    first.fail()
    const error = await nextEvent<Event & { message: string }>(source, 'error')
    expect(source.readyState).toBe(EventSource.CONNECTING)
    expect(error.message).toMatch(/^The connection failed \(.+\)\. Reconnecting in 3000 ms\.$/)
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    expect(route.connections).toHaveLength(2)
  })

  it('when the request fails before any response (connection refused)', async () => {
    const route = sseRoute(URL_, (_request, index) => (index === 0 ? HttpResponse.error() : undefined))
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    await until(() => events.length === 1)
    expect(source.readyState).toBe(EventSource.CONNECTING)
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    await until(() => events.length === 2)
    expect(route.connections).toHaveLength(2)
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['error', 0], ['open', 1]])
  })

  it('honours retry:, and the new time persists across reconnects', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    open()
    const first = await route.nextConnection()
    first.send('retry: 500\n\n')
    first.end()
    await vi.advanceTimersByTimeAsync(499)
    expect(route.connections).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    const second = await route.nextConnection()
    second.end()
    await vi.advanceTimersByTimeAsync(500)
    expect(route.connections).toHaveLength(3)
  })

  it('clamps a retry: beyond setTimeout range instead of reconnecting at once', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    open()
    const first = await route.nextConnection()
    first.send('retry: 99999999999999\n\n')
    first.end()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(route.connections).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1)
    expect(route.connections).toHaveLength(2)
  })

  it('stops when close() is called inside onerror', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    source.onerror = () => source.close()
    ;(await route.nextConnection()).end()
    await nextEvent(source, 'error')
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(route.connections).toHaveLength(1)
  })

  it('close() during the reconnect wait clears the timer and never reconnects', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    ;(await route.nextConnection()).end()
    await nextEvent(source, 'error')
    expect(vi.getTimerCount()).toBe(1)
    source.close()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(route.connections).toHaveLength(1)
  })
})

describe('Last-Event-ID', () => {
  async function reconnectAfter(stream: string, options?: EventSourceOptions, url = URL_) {
    const route = sseRoute(url.split('?')[0]!)
    server.use(route.handler)
    open(options, url)
    const first = await route.nextConnection()
    first.send(stream)
    first.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    return { first: first.request, second: (await route.nextConnection()).request }
  }

  it('is not sent on the first request, and is sent on reconnect after an id', async () => {
    const { first, second } = await reconnectAfter('id: 42\ndata: x\n\n')
    expect(first.headers.has('last-event-id')).toBe(false)
    expect(second.headers.get('last-event-id')).toBe('42')
  })

  it('is set by an id-only block', async () => {
    const { second } = await reconnectAfter('id: 7\n\n')
    expect(second.headers.get('last-event-id')).toBe('7')
  })

  it('is not sent once an empty id reset it', async () => {
    const { second } = await reconnectAfter('id: 1\ndata: x\n\nid\ndata: y\n\n')
    expect(second.headers.has('last-event-id')).toBe(false)
  })

  it('is the last dispatched id, not the id of an event cut off by the end of stream', async () => {
    const { second } = await reconnectAfter('id: 1\ndata: x\n\nid: 2\ndata: cut')
    expect(second.headers.get('last-event-id')).toBe('1')
  })

  it('sends a non-ASCII id as its UTF-8 bytes', async () => {
    const { second } = await reconnectAfter('id: caf\u00e9 \u2026\n\n')
    const bytes = Uint8Array.from(second.headers.get('last-event-id')!, (c) => c.charCodeAt(0))
    expect(new TextDecoder().decode(bytes)).toBe('caf\u00e9 \u2026')
  })

  it("[non-spec] starts from a custom Last-Event-ID header, which the stream's ids then replace", async () => {
    const { first, second } = await reconnectAfter('id: 5\n\n', { headers: { 'last-event-id': 'stored-3' } })
    expect(first.headers.get('last-event-id')).toBe('stored-3')
    expect(second.headers.get('last-event-id')).toBe('5')
  })

  it('[non-spec] sends a custom Last-Event-ID again after a failed first attempt, but not after the stream reset the id', async () => {
    const route = sseRoute(URL_, (_request, index) => (index === 0 ? HttpResponse.error() : undefined))
    server.use(route.handler)
    const source = open({ headers: () => ({ 'Last-Event-ID': 'stored-3' }) })
    const events = trace(source, ['message'])
    await route.nextConnection()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const second = await route.nextConnection()
    second.send('data: before any id\n\nid\n\n')
    second.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const third = await route.nextConnection()
    expect(route.connections.map((c) => c.request.headers.get('last-event-id'))).toEqual(['stored-3', 'stored-3', null])
    expect(events.map((e) => e.lastEventId)).toEqual(['stored-3'])
    expect(third.request.headers.get('last-event-id')).toBeNull()
  })

  it('[non-spec] is also sent as the query parameter named by lastEventIdQueryParameterName, replacing one in the URL', async () => {
    const { first, second } = await reconnectAfter('id: 9\n\n', { lastEventIdQueryParameterName: 'lastEventId' }, `${URL_}?topic=a&lastEventId=1`)
    expect(new URL(first.url).search).toBe('?topic=a&lastEventId=1')
    expect(new URL(second.url).searchParams.getAll('lastEventId')).toEqual(['9'])
    expect(new URL(second.url).searchParams.get('topic')).toBe('a')
    expect(second.headers.get('last-event-id')).toBe('9')
  })

  it('[non-spec] drops the query parameter once an empty id reset the last event ID', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    open({ lastEventIdQueryParameterName: 'lastEventId' })
    const first = await route.nextConnection()
    first.send('id: 5\n\n')
    first.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const second = await route.nextConnection()
    second.send('id\n\n')
    second.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const third = await route.nextConnection()
    expect([first, second, third].map((c) => [new URL(c.request.url).search, c.request.headers.get('last-event-id')])).toEqual([
      ['', null],
      ['?lastEventId=5', '5'],
      ['', null],
    ])
  })

  it('reaches events of the next connection as their lastEventId, before any new id', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source, ['message'])
    const first = await route.nextConnection()
    first.send('id: 3\ndata: a\n\n')
    first.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    ;(await route.nextConnection()).send('data: b\n\n')
    await until(() => events.length === 2)
    expect(events.map((e) => e.lastEventId)).toEqual(['3', '3'])
  })
})

describe('[non-spec] a reconnect whose Last-Event-ID header CORS refused', () => {
  const scope = globalThis as { WorkerGlobalScope?: unknown }
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(() => void (warn = vi.spyOn(console, 'warn').mockImplementation(() => {})))
  afterEach(() => {
    delete scope.WorkerGlobalScope
    warn.mockRestore()
  })

  it('is tried again at once with the id in the query, without another error event', async () => {
    scope.WorkerGlobalScope = class {}
    const route = sseRoute(URL_)
    server.use(route.handler)
    // The fetch refuses, as a browser whose preflight failed, any request that carries Last-Event-ID.
    const fetch = vi.fn<FetchLike>((url, init) => {
      if (init.mode === 'cors' && 'last-event-id' in init.headers) return Promise.reject(new TypeError('Failed to fetch'))
      if (init.mode === 'no-cors') return Promise.resolve({ type: 'opaque', status: 0, statusText: '', url: '', headers: new Headers(), body: null })
      return globalThis.fetch(url, init)
    })
    const source = open({ fetch })
    const events = trace(source)
    const first = await route.nextConnection()
    first.send('id: 5\ndata: one\n\n')
    first.end()
    await until(() => events.length === 3)
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const second = await route.nextConnection()
    second.send('data: two\n\n')
    await until(() => events.length === 5)
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['open', 1], ['message', 1], ['error', 0], ['open', 1], ['message', 1]])
    expect(new URL(second.request.url).searchParams.get('lastEventId')).toBe('5')
    expect(second.request.headers.has('last-event-id')).toBe(false)
    // Said once, loudly: a server that reads only the header would resume from the start.
    expect(warn.mock.calls).toEqual([
      [
        'EventSource: CORS refused the Last-Event-ID header for http://sse.test/stream; sending the id as the query parameter "lastEventId" instead. Allow Last-Event-ID in the server\'s Access-Control-Allow-Headers, or read that parameter.',
      ],
    ])
  })

  it('fails the connection when the request without the header is refused too', async () => {
    scope.WorkerGlobalScope = class {}
    const route = sseRoute(URL_)
    server.use(route.handler)
    let refuse = false
    const fetch = vi.fn<FetchLike>((url, init) => {
      if (init.mode === 'no-cors') return Promise.resolve({ type: 'opaque', status: 0, statusText: '', url: '', headers: new Headers(), body: null })
      return refuse ? Promise.reject(new TypeError('Failed to fetch')) : globalThis.fetch(url, init)
    })
    const source = open({ fetch })
    const events = trace(source)
    const first = await route.nextConnection()
    first.send('id: 5\ndata: one\n\n')
    refuse = true
    first.end()
    await until(() => events.length === 3)
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    await until(() => events.length === 4)
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['open', 1], ['message', 1], ['error', 0], ['error', 2]])
    expect(fetch.mock.calls.filter(([, init]) => init.mode === 'cors').map(([url]) => new URL(url).search)).toEqual(['', '', '?lastEventId=5'])
  })
})

describe('[non-spec] the probe that tells a CORS refusal from a server that is down', () => {
  const scope = globalThis as { WorkerGlobalScope?: unknown }
  afterEach(() => {
    delete scope.WorkerGlobalScope
    vi.unstubAllGlobals()
  })
  // Reconnects every 10 ms rather than 3 s.
  const quickly = { policies: [{ decide: () => ({ reconnectIn: 10 }) }] }
  const probes = (fetch: ReturnType<typeof vi.fn<FetchLike>>) => fetch.mock.calls.filter(([, init]) => init.mode === 'no-cors').length
  /** In a worker (where CORS applies), a stream route and a fetch that fails, as for a server that is down, while `down()`. */
  function serverDownWhile(down: () => boolean) {
    scope.WorkerGlobalScope = class {}
    const route = sseRoute(URL_)
    server.use(route.handler)
    const fetch = vi.fn<FetchLike>((url, init) => (down() ? Promise.reject(new TypeError('Failed to fetch')) : globalThis.fetch(url, init)))
    return { route, fetch }
  }
  /** Waits for each event up to `last`, letting the 10 ms reconnect run after each. */
  async function reconnectAfterEach(events: unknown[], first: number, last: number): Promise<void> {
    for (let count = first; count <= last; count++) {
      await until(() => events.length === count)
      await vi.advanceTimersByTimeAsync(10)
    }
  }

  it('runs once an outage: 10 failed attempts make 1 probe, and the next outage 1 more', async () => {
    let down = true
    const { route, fetch } = serverDownWhile(() => down)
    const source = open({ fetch, ...quickly })
    const events = trace(source)
    await reconnectAfterEach(events, 1, 9)
    await until(() => events.length === 10)
    expect(events.every((event) => event.type === 'error' && event.readyState === EventSource.CONNECTING)).toBe(true)
    expect(probes(fetch)).toBe(1)
    down = false
    await vi.advanceTimersByTimeAsync(10)
    const connection = await route.nextConnection()
    await until(() => events.length === 11)
    down = true
    connection.end()
    await reconnectAfterEach(events, 12, 14)
    expect(probes(fetch)).toBe(2)
  })

  it("never runs once the page's own origin has answered (CORS does not apply there)", async () => {
    vi.stubGlobal('location', { origin: new URL(URL_).origin })
    let down = false
    const { route, fetch } = serverDownWhile(() => down)
    const source = open({ fetch, ...quickly })
    const events = trace(source)
    const connection = await route.nextConnection()
    await until(() => events.length === 1)
    down = true
    connection.end()
    await reconnectAfterEach(events, 2, 6)
    expect(events.slice(1).every((event) => event.type === 'error' && event.readyState === EventSource.CONNECTING)).toBe(true)
    expect(probes(fetch)).toBe(0)
  })
})

describe('[non-spec] the headers function', () => {
  it('is called on every connect, sync or async, so a refreshed token is sent', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    let token = 0
    const headers = vi.fn(async () => ({ Authorization: `Bearer ${++token}` }))
    open({ headers })
    const first = await route.nextConnection()
    first.end()
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    const second = await route.nextConnection()
    expect(headers).toHaveBeenCalledTimes(2)
    expect([first.request.headers.get('authorization'), second.request.headers.get('authorization')]).toEqual(['Bearer 1', 'Bearer 2'])
  })

  it('that throws: an error event with its message, then the normal reconnect', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    let calls = 0
    const source = open({
      headers: () => {
        if (++calls === 1) throw new Error('token service down')
        return { Authorization: 'Bearer ok' }
      },
    })
    const error = await nextEvent<Event & { message: string; error: Error }>(source, 'error')
    expect(error.message).toBe('The headers or body function failed (token service down). Reconnecting in 3000 ms.')
    expect(error.error.message).toBe('token service down')
    expect(source.readyState).toBe(EventSource.CONNECTING)
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    expect((await route.nextConnection()).request.headers.get('authorization')).toBe('Bearer ok')
  })

  it('still pending when close() is called: its result is discarded and nothing is sent', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    let resolve!: (headers: Record<string, string>) => void
    const source = open({ headers: () => new Promise((r) => (resolve = r)) })
    await vi.advanceTimersByTimeAsync(0)
    source.close()
    resolve({ Authorization: 'Bearer late' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(route.connections).toHaveLength(0)
  })
})

describe('[non-spec] heartbeatTimeout', () => {
  it('reestablishes after that much silence, with the documented message', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open({ heartbeatTimeout: 1000 })
    const events = trace(source)
    const first = await route.nextConnection()
    await until(() => events.length === 1)
    await vi.advanceTimersByTimeAsync(999)
    expect(events.map((e) => e.type)).toEqual(['open'])
    await vi.advanceTimersByTimeAsync(1)
    expect(events[1]).toEqual({ type: 'error', readyState: 0, status: undefined, message: 'No activity within 1000 milliseconds. Reconnecting in 3000 ms.' })
    await first.cancelled
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    expect(route.connections).toHaveLength(2)
  })

  it('counts comments as activity', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open({ heartbeatTimeout: 1000 })
    const events = trace(source)
    const connection = await route.nextConnection()
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(800)
      connection.send(':\n')
      await settle()
    }
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    await vi.advanceTimersByTimeAsync(1000)
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1)
  })

  it('covers a server that never answers', async () => {
    server.use(http.get(URL_, () => new Promise<Response>(() => {})))
    const source = open({ heartbeatTimeout: 2000 })
    const events = trace(source)
    await vi.advanceTimersByTimeAsync(2000)
    expect(events).toEqual([{ type: 'error', readyState: 0, status: undefined, message: 'No activity within 2000 milliseconds. Reconnecting in 3000 ms.' }])
  })

  it.each([undefined, 0])('is off when %j, as native: a silent stream stays open', async (heartbeatTimeout) => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open({ heartbeatTimeout })
    await route.nextConnection()
    await until(() => source.readyState === EventSource.OPEN)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('also covers a headers function that never settles, and drops its late result', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    let calls = 0
    let resolveFirst!: (headers: Record<string, string>) => void
    const source = open({
      heartbeatTimeout: 1000,
      headers: () => (++calls === 1 ? new Promise((resolve) => (resolveFirst = resolve)) : { Authorization: 'Bearer second' }),
    })
    const events = trace(source)
    await vi.advanceTimersByTimeAsync(1000)
    expect(events).toEqual([{ type: 'error', readyState: 0, status: undefined, message: 'No activity within 1000 milliseconds. Reconnecting in 3000 ms.' }])
    // The first call answers during the reconnect wait: too late, it must not open a second connection.
    resolveFirst({ Authorization: 'Bearer first' })
    await vi.advanceTimersByTimeAsync(DEFAULT_RECONNECTION_TIME)
    await until(() => route.connections.length === 1)
    await vi.advanceTimersByTimeAsync(100)
    expect(route.connections.map((c) => c.request.headers.get('authorization'))).toEqual(['Bearer second'])
  })

  it('leaves no timer after close()', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open({ heartbeatTimeout: 1000 })
    await route.nextConnection()
    expect(vi.getTimerCount()).toBe(1)
    source.close()
    expect(vi.getTimerCount()).toBe(0)
  })
})
