import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_MAX_EVENT_SIZE, EventSource, EventSourceErrorEvent, type EventSourceOptions, type FetchLike } from '../src/index'
import { nextEvent, settle, trace, until } from './helpers/events'
import { useMockServer } from './helpers/msw'
import { sseRoute, type MockConnection } from './helpers/sse-route'
import { useSources } from './helpers/sources'

const server = useMockServer()
const URL_ = 'http://sse.test/stream'
const openSource = useSources()
const open = (url = URL_, options?: EventSourceOptions) => openSource(url, options)
afterEach(() => void vi.useRealTimers())

describe('attributes', () => {
  it('has CONNECTING, OPEN and CLOSED on the constructor and the prototype, enumerable and read-only', () => {
    expect([EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED]).toEqual([0, 1, 2])
    for (const [name, value] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSED', 2]] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(EventSource.prototype, name)
      expect(descriptor).toMatchObject({ value, enumerable: true, writable: false })
      expect(Object.getOwnPropertyDescriptor(EventSource, name)).toMatchObject({ value, enumerable: true, writable: false })
    }
  })

  it('starts CONNECTING with the resolved URL and withCredentials false', () => {
    server.use(sseRoute(URL_).handler)
    const source = open('http://sse.test/a/../stream?x=1#frag')
    expect(source.readyState).toBe(EventSource.CONNECTING)
    expect(source.url).toBe('http://sse.test/stream?x=1#frag')
    expect(source.withCredentials).toBe(false)
  })

  it('takes null or no options, as native takes a null dictionary', () => {
    server.use(sseRoute(URL_).handler)
    expect(open(URL_, null as unknown as undefined).withCredentials).toBe(false)
  })

  it('[non-spec] copies the options: changing the object later changes nothing', async () => {
    const fetch = vi.fn<FetchLike>(() => new Promise(() => {}))
    const options: EventSourceOptions = { fetch, headers: { Authorization: 'Bearer one' } }
    open(URL_, options)
    options.headers = { Authorization: 'Bearer two' }
    options.fetch = undefined
    await settle()
    expect(fetch.mock.calls[0]![1].headers).toMatchObject({ authorization: 'Bearer one' })
  })

  it('reflects withCredentials', () => {
    server.use(sseRoute(URL_).handler)
    expect(open(URL_, { withCredentials: true }).withCredentials).toBe(true)
  })

  it('stringifies the URL argument (eventsource-constructor-stringify)', () => {
    server.use(sseRoute(URL_).handler)
    expect(open(new URL(URL_) as unknown as string).url).toBe(URL_)
    expect(open({ toString: () => URL_ } as unknown as string).url).toBe(URL_)
  })

  it('throws a SyntaxError DOMException for an invalid URL and sends nothing', async () => {
    const fetch = vi.fn<FetchLike>()
    for (const bogus of ['http://[invalid', 'relative/without/base', '']) {
      let thrown: unknown
      try {
        new EventSource(bogus, { fetch })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(DOMException)
      expect((thrown as DOMException).name).toBe('SyntaxError')
    }
    await settle()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('throws a TypeError without a url argument; an explicit undefined is the string "undefined", as WebIDL converts it', () => {
    expect(() => new (EventSource as unknown as new () => EventSource)()).toThrow(TypeError)
    // In Node there is no base URL: "undefined" is then an invalid URL, not a missing argument.
    expect(() => new EventSource(undefined as unknown as string)).toThrow(expect.objectContaining({ name: 'SyntaxError', message: expect.stringContaining("'undefined'") }))
  })

  it('fails a URL with credentials once, with a message that says why, and sends nothing', async () => {
    const fetch = vi.fn<FetchLike>()
    const source = open('http://user:secret@127.0.0.1:1/stream', { fetch })
    const events = trace(source)
    await until(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CLOSED, message: 'Fetch refuses a URL with credentials (user:password@). EventSource does not retry.' })
    expect(fetch).not.toHaveBeenCalled()
  })

  it('has its IDL attributes and operations enumerable on the prototype', () => {
    for (const name of ['url', 'withCredentials', 'readyState', 'onopen', 'onmessage', 'onerror', 'close', 'CONNECTING', 'OPEN', 'CLOSED']) {
      expect(Object.getOwnPropertyDescriptor(EventSource.prototype, name)?.enumerable, name).toBe(true)
    }
  })

  it('fires no event during the constructor, even when the headers function throws at once', async () => {
    const dispatched = vi.spyOn(EventSource.prototype, 'dispatchEvent')
    const failing = vi.fn<FetchLike>(async () => {
      throw new TypeError('Failed to fetch')
    })
    const throwing = open(URL_, { fetch: failing, headers: () => { throw new Error('no token') } })
    open('ftp://example.test/', { fetch: failing })
    expect(dispatched).not.toHaveBeenCalled()
    await nextEvent(throwing, 'error')
    dispatched.mockRestore()
  })
})

describe('the request', () => {
  it('is a GET with Accept text/event-stream, cache no-store, mode cors and credentials same-origin', async () => {
    const fetch = vi.fn<FetchLike>(() => new Promise(() => {}))
    open(URL_, { fetch })
    await settle()
    expect(fetch).toHaveBeenCalledTimes(1)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe(URL_)
    // A fetch option follows redirects itself (see [non-spec] redirects in loopback.test.ts).
    expect(init).toMatchObject({ method: 'GET', cache: 'no-store', mode: 'cors', credentials: 'same-origin', redirect: 'follow' })
    expect(init.headers).toEqual({ accept: 'text/event-stream' })
  })

  it('uses credentials include when withCredentials is true', async () => {
    const fetch = vi.fn<FetchLike>(() => new Promise(() => {}))
    open(URL_, { fetch, withCredentials: true })
    await settle()
    expect(fetch.mock.calls[0]![1].credentials).toBe('include')
  })

  it('[non-spec] sends custom headers from an object, a Headers or a list of pairs', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    open(URL_, { headers: { Authorization: 'Bearer one' } })
    open(URL_, { headers: new Headers({ Authorization: 'Bearer two' }) })
    open(URL_, { headers: [['Authorization', 'Bearer three']] })
    const seen = []
    for (let i = 0; i < 3; i++) seen.push((await route.nextConnection()).request.headers.get('authorization'))
    expect(seen.sort()).toEqual(['Bearer one', 'Bearer three', 'Bearer two'])
  })

  it('aborts the request on close()', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const connection = await route.nextConnection()
    source.close()
    await expect(connection.cancelled).resolves.toBeUndefined()
  })

  it.each(['ftp://example.test/stream', 'about:blank', 'mailto:a@example.test', 'javascript:void(0)', 'blob:http://sse.test/x'])(
    'fails the connection for %s, which is not http(s), asynchronously (eventsource-constructor-non-same-origin)', async (url) => {
    const fetch = vi.fn<FetchLike>()
    const headers = vi.fn(() => ({ Authorization: 'Bearer x' }))
    const source = open(url, { fetch, headers })
    const events = trace(source)
    expect(events).toEqual([])
    await nextEvent(source, 'error')
    expect(events).toEqual([{ type: 'error', readyState: EventSource.CLOSED, status: undefined, message: 'Not an http(s) or data URL: ' + url + '. EventSource does not retry.' }])
    expect(fetch).not.toHaveBeenCalled()
    expect(headers).not.toHaveBeenCalled()
  })
})

describe('announcing the connection', () => {
  it('fires open once, with readyState OPEN, on a 200 text/event-stream response', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    await nextEvent(source, 'open')
    const connection = await route.nextConnection()
    connection.send('data: x\n\n')
    await nextEvent(source, 'message')
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['open', 1], ['message', 1]])
  })

  it.each([
    'text/event-stream',
    'text/event-stream;charset=UTF-8',
    'text/event-stream; charset=windows-1252',
    'Text/Event-Stream',
    'text/event-stream;',
    ' text/event-stream ; foo=bar',
  ])('accepts Content-Type %j (format-mime-trailing-semicolon, format-mime-valid)', async (contentType) => {
    server.use(sseRoute(URL_, undefined, { 'Content-Type': contentType }).handler)
    const source = open()
    await nextEvent(source, 'open')
    expect(source.readyState).toBe(EventSource.OPEN)
  })
})

describe('[non-spec] hostile input', () => {
  it('fails the connection with a message when an event outgrows maxEventSize', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open(URL_, { maxEventSize: 1000 })
    const events = trace(source)
    const connection = await route.nextConnection()
    connection.send('data: fine\n\n')
    for (let i = 0; i < 20; i++) connection.send('x'.repeat(100))
    await until(() => events.length === 3)
    expect(events.slice(1)).toEqual([
      { type: 'message', readyState: 1, data: 'fine', lastEventId: '', origin: 'http://sse.test' },
      { type: 'error', readyState: 2, status: undefined, message: 'An event grew past maxEventSize (1000). EventSource does not retry.' },
    ])
    await connection.cancelled
  })

  it('has a bounded default', () => {
    expect(DEFAULT_MAX_EVENT_SIZE).toBe(16 * 1024 * 1024)
  })

  it('fails the connection with the reason where the platform cannot make the request (no TextEncoder)', async () => {
    vi.stubGlobal('TextEncoder', undefined)
    const fetch = vi.fn<FetchLike>()
    const source = open(URL_, { fetch, headers: { 'Last-Event-ID': 'caf\u00e9' } })
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    vi.unstubAllGlobals()
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(error.message).toMatch(/^The request could not be made \(.+\)\. EventSource does not retry\.$/)
    expect(fetch).not.toHaveBeenCalled()
  })

  it.each([
    ['a CR in a value', { Authorization: 'Bearer a\r\nX-Injected: 1' }],
    ['an LF in a value', { 'X-Token': 'a\nb' }],
    ['a NUL in a value', { 'X-Token': 'a\0b' }],
    ['a space in a name', { 'Bad Name': 'x' }],
    ['a character above U+00FF in a value', { Authorization: 'Bearer \u20ac' }],
  ])('refuses a header with %s before sending anything, without echoing its value', async (_case, headers) => {
    const fetch = vi.fn<FetchLike>()
    const source = open(URL_, { fetch, headers: () => headers })
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(error.message).toMatch(/^Header ".+" is not valid HTTP \(CR, LF, NUL\?\); nothing was sent\. EventSource does not retry\.$/)
    expect(error.message).not.toMatch(/Bearer|a\nb|Injected|\u20ac/)
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('[non-spec] secrets', () => {
  const TOKEN = 's3cr3t-t0ken'
  const scope = globalThis as { WorkerGlobalScope?: unknown }
  afterEach(() => void delete scope.WorkerGlobalScope)

  it('never appear in an error message, and nothing is printed to the console', async () => {
    const printed = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method))
    const messages: string[] = []
    const failWith = async (fetch: FetchLike, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }, enforcesCors = false) => {
      scope.WorkerGlobalScope = enforcesCors ? class {} : undefined
      const source = open(URL_, { fetch, headers })
      messages.push((await nextEvent<EventSourceErrorEvent>(source, 'error')).message)
      source.close()
    }
    const respond = (status: number, contentType = 'text/event-stream'): FetchLike => async () => ({ status, statusText: 'X', url: URL_, headers: new Headers({ 'Content-Type': contentType }), body: null })
    await failWith(respond(401))
    await failWith(respond(200, 'text/html'))
    await failWith(async () => Promise.reject(new TypeError('fetch failed')))
    await failWith(async (_url, init) => (init.mode === 'no-cors' ? { type: 'opaque', status: 0, statusText: '', url: '', headers: new Headers(), body: null } : Promise.reject(new TypeError('Failed to fetch'))), undefined, true)
    await failWith(respond(200), { Authorization: `Bearer ${TOKEN}\r\nX: y` })
    expect(messages).toHaveLength(5)
    for (const message of messages) expect(message).not.toContain(TOKEN)
    for (const spy of printed) expect(spy).not.toHaveBeenCalled()
    printed.forEach((spy) => spy.mockRestore())
  })
})

describe('origin', () => {
  it.each([
    ['with its port', 'http://sse.test:8080/stream', 'http://sse.test:8080/stream', 'http://sse.test:8080'],
    ['in ASCII (punycode) for an internationalized host (wpt PR 5946)', 'http://\u00e9l\u00e8ve.test/stream', 'http://xn--lve-6lad.test/stream', 'http://xn--lve-6lad.test'],
  ])('is the serialized origin of the response URL, %s (redirects: loopback and browser tests)', async (_case, url, served, origin) => {
    const route = sseRoute(served)
    server.use(route.handler)
    const source = open(url)
    ;(await route.nextConnection()).send('data: x\n\n')
    const event = await nextEvent<MessageEvent>(source, 'message')
    expect(event.origin).toBe(origin)
  })
})

describe('failing the connection', () => {
  it.each([204, 205, 201, 299, 400, 401, 403, 404, 410, 500, 502, 503])(
    'on HTTP %i: CLOSED and one error event with the status, never a reconnect (request-status-error)',
    async (status) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const route = sseRoute(URL_, () => new HttpResponse(null, { status, headers: { 'Content-Type': 'text/event-stream' } }))
      server.use(route.handler)
      const source = open()
      const events = trace(source)
      const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
      expect(events).toEqual([{ type: 'error', readyState: EventSource.CLOSED, status, message: expect.stringContaining(`HTTP ${status}`) }])
      expect(error.status).toBe(status)
      await vi.advanceTimersByTimeAsync(60_000)
      expect(route.connections).toHaveLength(1)
      expect(vi.getTimerCount()).toBe(0)
    },
  )

  it.each([
    ['text/html', '"text/html"'],
    ['text/x-bogus', '"text/x-bogus"'],
    ['x bogus', '"x bogus"'],
    ['text/event-streams', '"text/event-streams"'],
    ['text/event-stream\u00a0', '"text/event-stream\u00a0"'],
    [null, 'missing'],
  ])('on a 200 with Content-Type %j (format-mime-bogus)', async (contentType, described) => {
    const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType }
    server.use(http.get(URL_, () => new HttpResponse(contentType === null ? null : 'data: x\n\n', { status: 200, headers })))
    const source = open()
    const events = trace(source)
    await nextEvent(source, 'error')
    await settle()
    expect(events).toEqual([{ type: 'error', readyState: EventSource.CLOSED, status: 200, message: `Content-Type ${described}, not text/event-stream. EventSource does not retry.` }])
  })

  it('fires a simple error Event: not a MessageEvent, not bubbling, not cancelable ([non-spec] with a readable reason)', async () => {
    server.use(http.get(URL_, () => new HttpResponse(null, { status: 401, statusText: 'Unauthorized' })))
    const source = open()
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    expect(error).toBeInstanceOf(Event)
    expect(error).not.toBeInstanceOf(MessageEvent)
    expect(error).toMatchObject({ type: 'error', bubbles: false, cancelable: false, status: 401, statusText: 'Unauthorized' })
    expect(error.message).toBe('HTTP 401 Unauthorized. EventSource does not retry.')
    expect(error.error).toBeInstanceOf(Error)
    expect(error.error.message).toBe(error.message)
  })
})

describe('a request that fetch rejects before any response', () => {
  const scope = globalThis as { WorkerGlobalScope?: unknown }
  afterEach(() => void delete scope.WorkerGlobalScope)

  /** Rejects CORS-mode requests as a browser does for both CORS refusals and network errors. */
  function fetchWhere(probe: 'opaque' | 'basic' | 'fails' | 'hangs') {
    return vi.fn<FetchLike>(async (_url, init) => {
      if (init.mode === 'no-cors' && probe === 'hangs') return new Promise(() => {})
      if (init.mode === 'no-cors' && probe !== 'fails') return { type: probe, status: 0, statusText: '', url: '', headers: new Headers(), body: null }
      throw new TypeError('Failed to fetch')
    })
  }

  it('[non-spec] fails the connection with a CORS message where a cross-origin no-cors request gets an opaque answer', async () => {
    scope.WorkerGlobalScope = class {}
    const fetch = fetchWhere('opaque')
    const source = open(URL_, { fetch, headers: { Authorization: 'Bearer x' } })
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(error.message).toBe('CORS blocked the response of http://sse.test: see its Access-Control-Allow-Origin, -Credentials and -Headers (Failed to fetch). EventSource does not retry.')
    expect(error.message).not.toContain('Bearer')
    // The probe sends none of the custom headers.
    expect(fetch.mock.calls.map(([, init]) => [init.mode, init.headers])).toEqual([['cors', { accept: 'text/event-stream', authorization: 'Bearer x' }], ['no-cors', {}]])
  })

  it.each([
    ['the no-cors request fails too (the server is unreachable)', 'fails'],
    ['the no-cors answer is not opaque (a same-origin server, or nothing enforces CORS: happy-dom, jsdom)', 'basic'],
  ] as const)('[non-spec] reestablishes where %s', async (_name, probe) => {
    scope.WorkerGlobalScope = class {}
    const source = open(URL_, { fetch: fetchWhere(probe) })
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    expect(source.readyState).toBe(EventSource.CONNECTING)
    expect(error.message).toBe('The connection failed (Failed to fetch). Reconnecting in 3000 ms.')
  })

  it('[non-spec] gives up on a probe that gets no answer in 5 s, and reestablishes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    scope.WorkerGlobalScope = class {}
    const source = open(URL_, { fetch: fetchWhere('hangs') })
    const events = trace(source)
    await vi.advanceTimersByTimeAsync(4999)
    expect(events).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(events).toEqual([{ type: 'error', readyState: EventSource.CONNECTING, status: undefined, message: 'The connection failed (Failed to fetch). Reconnecting in 3000 ms.' }])
  })

  it('fails the connection when the browser or the user aborted the fetch (window.stop(), spec step 15.1)', async () => {
    const fetch = vi.fn<FetchLike>(async () => {
      throw new DOMException('The user aborted a request.', 'AbortError')
    })
    const source = open(URL_, { fetch })
    const error = await nextEvent<EventSourceErrorEvent>(source, 'error')
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(error.message).toMatch(/^The browser or the user aborted the request \(.+\)\. EventSource does not retry\.$/)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('reestablishes without probing where nothing enforces CORS (Node)', async () => {
    const fetch = fetchWhere('opaque')
    const source = open(URL_, { fetch })
    await nextEvent(source, 'error')
    expect(source.readyState).toBe(EventSource.CONNECTING)
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('dispatching messages', () => {
  it('dispatches MessageEvents with data, origin and lastEventId, named events to their listeners only', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source, ['message', 'notification', '__proto__'])
    const onmessage = vi.fn()
    source.onmessage = onmessage
    const connection = await route.nextConnection()
    connection.send('id: 1\ndata: first\n\nevent: notification\ndata: second\n\nevent: __proto__\nid: 2\ndata: third\n\n')
    connection.send('data: last\n\n')
    await until(() => events.length === 4)
    expect(events).toEqual([
      { type: 'message', readyState: 1, data: 'first', lastEventId: '1', origin: 'http://sse.test' },
      { type: 'notification', readyState: 1, data: 'second', lastEventId: '1', origin: 'http://sse.test' },
      { type: '__proto__', readyState: 1, data: 'third', lastEventId: '2', origin: 'http://sse.test' },
      { type: 'message', readyState: 1, data: 'last', lastEventId: '2', origin: 'http://sse.test' },
    ])
    expect(onmessage.mock.calls.map(([event]) => (event as MessageEvent).data)).toEqual(['first', 'last'])
    expect(onmessage.mock.calls[0]![0]).toBeInstanceOf(MessageEvent)
    expect(onmessage.mock.calls[0]![0]).toMatchObject({ bubbles: false, cancelable: false })
    // As native: data, origin and lastEventId are read-only, and a MessageEvent's ports and source are empty.
    const first = onmessage.mock.calls[0]![0] as MessageEvent
    expect(() => Object.assign(first, { data: 'changed' })).toThrow(TypeError)
    expect(() => Object.assign(first, { origin: 'changed' })).toThrow(TypeError)
    expect(() => Object.assign(first, { lastEventId: 'changed' })).toThrow(TypeError)
    expect(first).toMatchObject({ data: 'first', origin: 'http://sse.test', lastEventId: '1', ports: [], source: null })
  })
})

describe('event handler attributes', () => {
  it('keeps a replaced handler in its first place among listeners; null removes it', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const order: string[] = []
    source.addEventListener('message', () => order.push('listener 1'))
    source.onmessage = () => order.push('handler A')
    source.addEventListener('message', () => order.push('listener 2'))
    source.onmessage = () => order.push('handler B')
    const connection = await route.nextConnection()
    connection.send('data: 1\n\n')
    await until(() => order.length === 3)
    expect(order).toEqual(['listener 1', 'handler B', 'listener 2'])

    order.length = 0
    source.onmessage = null
    source.onmessage = () => order.push('handler C')
    connection.send('data: 2\n\n')
    await until(() => order.length === 3)
    expect(order).toEqual(['listener 1', 'listener 2', 'handler C'])
  })

  it('calls handlers with this and target set to the source, and returns what was set', async () => {
    server.use(sseRoute(URL_).handler)
    const source = open()
    let seenThis: unknown
    let seenTarget: unknown
    const handler = function (this: unknown, event: Event) {
      seenThis = this
      seenTarget = event.target
    }
    source.onopen = handler
    expect(source.onopen).toBe(handler)
    await nextEvent(source, 'open')
    expect(seenThis).toBe(source)
    expect(seenTarget).toBe(source)
  })

  it('treats a non-function value as null', () => {
    const source = open(URL_, { fetch: () => new Promise(() => {}) })
    source.onerror = 'not a function' as unknown as null
    expect(source.onerror).toBeNull()
  })
})

describe('close()', () => {
  it('sets CLOSED at once and fires nothing, not even error', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    await nextEvent(source, 'open')
    source.close()
    expect(source.readyState).toBe(EventSource.CLOSED)
    await settle()
    expect(events.map((e) => e.type)).toEqual(['open'])
  })

  it('while CONNECTING, with the response on its way: open never fires and its body is cancelled', async () => {
    let respond!: (response: Awaited<ReturnType<FetchLike>>) => void
    const cancel = vi.fn(async () => {})
    const fetch = vi.fn<FetchLike>(() => new Promise((resolve) => (respond = resolve)))
    const source = open(URL_, { fetch })
    const events = trace(source)
    await settle()
    expect(fetch).toHaveBeenCalledTimes(1)
    source.close()
    const body = { getReader: () => ({ read: () => new Promise<never>(() => {}), cancel }) }
    respond({ status: 200, statusText: 'OK', url: URL_, headers: new Headers({ 'Content-Type': 'text/event-stream' }), body })
    await settle()
    expect(events).toEqual([])
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('inside onopen: nothing follows, not even the events already received', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    source.onopen = () => source.close()
    ;(await route.nextConnection()).send('data: 1\n\n')
    await nextEvent(source, 'open')
    await settle()
    expect(events.map((e) => e.type)).toEqual(['open'])
  })

  it('inside onmessage: the rest of the chunk is not dispatched', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    const events = trace(source)
    source.onmessage = () => source.close()
    ;(await route.nextConnection()).send('data: 1\n\ndata: 2\n\ndata: 3\n\n')
    await nextEvent(source, 'message')
    await settle()
    expect(events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['1'])
  })

  describe('from every state, twice: CLOSED, no event, no timer, no reconnect', () => {
    type Reach = (source: EventSource, connection: () => Promise<MockConnection>) => Promise<void>
    const states: Array<[string, Reach]> = [
      ['CONNECTING', async () => {}],
      ['OPEN', async (source) => void (await nextEvent(source, 'open'))],
      ['waiting to reconnect', async (source, connection) => {
        ;(await connection()).end()
        await nextEvent(source, 'error')
      }],
      ['already CLOSED', async (source) => source.close()],
      ['CLOSED by a failed connection (HTTP 404)', async (source) => void (await nextEvent(source, 'error'))],
    ]
    it.each(states)('%s', async (state, reach) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const route = sseRoute(URL_, () => (state.includes('404') ? new HttpResponse(null, { status: 404 }) : undefined))
      server.use(route.handler)
      const source = open(URL_, { heartbeatTimeout: 1000 })
      await reach(source, () => route.nextConnection())
      const events = trace(source)
      source.close()
      source.close()
      expect(source.readyState).toBe(EventSource.CLOSED)
      expect(vi.getTimerCount()).toBe(0)
      await vi.advanceTimersByTimeAsync(60_000)
      expect(events).toEqual([])
      expect(route.connections.length).toBeLessThanOrEqual(1)
    })
  })

  it('inside onmessage also stops the reconnect after the stream ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open()
    source.onmessage = () => source.close()
    const connection = await route.nextConnection()
    connection.send('data: bye\n\n')
    connection.end()
    await nextEvent(source, 'message')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(route.connections).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})
