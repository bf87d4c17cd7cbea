/**
 * The XHR transport in Node, through a double of React Native's XMLHttpRequest over real loopback HTTP
 * (test/helpers/react-native-xhr.ts). The same transport runs in Chromium's own XMLHttpRequest in the
 * browser suite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventSource } from '../src/index'
import { backoff } from '../src/policies/index'
import { fetchOrXhr, xhr } from '../src/xhr'
import { eventually, trace } from './helpers/events'
import { createdRequests, reactNativeXhr } from './helpers/react-native-xhr'
import { useSources } from './helpers/sources'
import { resumableStream } from './server/resumable-route'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
afterEach(() => {
  vi.unstubAllGlobals()
  createdRequests.length = 0
})
const openSource = useSources()
/** As the React Native build opens a source: fetch where it streams, else XMLHttpRequest (chosen once the test stubbed them). */
const open: typeof openSource = (url, options) => openSource(url, { transport: fetchOrXhr(), ...options })

/** React Native: an XMLHttpRequest, and a fetch (whatwg-fetch) whose responses have no body stream. */
function reactNative(options = {}): void {
  vi.stubGlobal('XMLHttpRequest', reactNativeXhr(options))
  vi.stubGlobal('Response', class {})
}

describe('[non-spec] transport selection', () => {
  it('fetchOrXhr takes XMLHttpRequest where fetch cannot stream a body', async () => {
    reactNative()
    server.route('/auto', (_request, response) => startStream(response))
    const source = open(server.url('/auto'), { transport: fetchOrXhr() })
    await eventually(() => createdRequests.length === 1 && source.readyState === EventSource.OPEN)
  })

  it('fetchOrXhr takes fetch where it streams, or where a fetch is given; the default transport is fetch', async () => {
    vi.stubGlobal('XMLHttpRequest', reactNativeXhr())
    server.route('/fetch', (_request, response) => startStream(response))
    const withStreams = open(server.url('/fetch'), { transport: fetchOrXhr() })
    vi.stubGlobal('Response', class {})
    const withOption = open(server.url('/fetch'), { transport: fetchOrXhr({ fetch: (url, init) => fetch(url, init) }) })
    const byDefault = openSource(server.url('/fetch'))
    await eventually(() => [withStreams, withOption, byDefault].every((source) => source.readyState === EventSource.OPEN))
    expect(createdRequests).toHaveLength(0)
  })

  it('xhr() throws a TypeError without XMLHttpRequest', () => {
    expect(() => xhr()).toThrow('No XMLHttpRequest for transport "xhr"')
  })
})

describe('[non-spec] the XHR transport (React Native double)', () => {
  it('sends the headers, Accept and withCredentials, and streams events with the final URL origin', async () => {
    reactNative()
    server.route('/to', (_request, response) => {
      startStream(response)
      response.write('id: 1\ndata: hello\n\n')
    })
    server.route('/from', (_request, response) => response.writeHead(302, { Location: '/to' }).end())
    const source = open(server.url('/from'), { headers: { Authorization: 'Bearer rn' }, withCredentials: true })
    const events = trace(source)
    await eventually(() => events.length === 2)
    expect(events).toEqual([
      { type: 'open', readyState: 1 },
      { type: 'message', readyState: 1, data: 'hello', lastEventId: '1', origin: server.origin },
    ])
    // Cache-Control as native sends it: no CORS here, so it costs no preflight.
    expect(createdRequests[0]!.requestHeaders).toEqual({ accept: 'text/event-stream', authorization: 'Bearer rn', 'cache-control': 'no-cache' })
    expect(server.requestsTo('/from')[0]!.headers['cache-control']).toBe('no-cache')
    expect(createdRequests[0]!.withCredentials).toBe(true)
  })

  it('reconnects with Last-Event-ID when the stream ends', async () => {
    reactNative()
    server.route('/again', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('retry: 10\nid: 7\ndata: one\n\n')
      else response.write('data: two\n\n')
    })
    const source = open(server.url('/again'))
    const events = trace(source)
    await eventually(() => events.length === 5)
    expect(events.map((e) => [e.type, e.readyState, e.data])).toEqual([['open', 1], ['message', 1, 'one'], ['error', 0], ['open', 1], ['message', 1, 'two']].map((e) => [e[0], e[1], e[2]]))
    expect(server.requestsTo('/again').map((r) => r.lastEventId)).toEqual([undefined, '7'])
    expect(events[2]!.message).toBe('The server ended the stream. Reconnecting in 10 ms.')
  })

  it('fails the connection on a status other than 200 or a wrong Content-Type, with the status', async () => {
    reactNative()
    server.route('/401', (_request, response) => response.writeHead(401).end('no'))
    server.route('/html', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>'))
    const denied = open(server.url('/401'))
    const html = open(server.url('/html'))
    const deniedEvents = trace(denied)
    const htmlEvents = trace(html)
    await eventually(() => deniedEvents.length === 1 && htmlEvents.length === 1)
    expect(deniedEvents).toEqual([{ type: 'error', readyState: 2, status: 401, message: 'HTTP 401. EventSource does not retry.' }])
    expect(htmlEvents[0]).toMatchObject({ type: 'error', readyState: 2, status: 200, message: 'Content-Type "text/html", not text/event-stream. EventSource does not retry.' })
  })

  it("keeps the response headers past the request's end: a retry policy honours Retry-After", async () => {
    reactNative()
    server.route('/busy', (_request, response, index) => {
      if (index === 0) return void response.writeHead(503, { 'Retry-After': '0', 'X-Other': 'a' }).end()
      startStream(response)
    })
    const source = open(server.url('/busy'), { transport: xhr(), policies: [backoff({ random: () => 0.99 })] })
    const events = trace(source)
    await eventually(() => events.length === 2)
    // Without Retry-After, the wait would be 0.99 × 3000 ms.
    expect(events[0]).toMatchObject({ type: 'error', readyState: 0, status: 503, message: 'HTTP 503. Reconnecting in 0 ms.' })
    expect(events[1]).toMatchObject({ type: 'open' })
  })

  it('reestablishes the connection after a network error', async () => {
    reactNative()
    const source = open('http://127.0.0.1:1/unreachable')
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: 0, message: 'The connection failed (XMLHttpRequest failed). Reconnecting in 3000 ms.' })
  })

  it('aborts the request on close(): the server sees its connection close', async () => {
    reactNative()
    let closed = false
    server.route('/close', (_request, response) => {
      startStream(response)
      response.write('data: one\n\n')
      response.on('close', () => (closed = true))
    })
    const source = open(server.url('/close'))
    const events = trace(source)
    await eventually(() => events.length === 2)
    source.close()
    await eventually(() => closed)
    expect(events.map((e) => e.type)).toEqual(['open', 'message'])
  })

  it('hands on a character split between reads whole, from React Native and browsers, which decode each read on', async () => {
    const bytes = Buffer.from('data: caf\u00e9 \u20ac\n\n')
    server.route('/split', (_request, response) => {
      startStream(response)
      // Each write ends inside a character: é is 2 bytes, € is 3.
      const cuts = [9, 13, 14, bytes.length]
      cuts.reduce((from, to, index) => {
        setTimeout(() => response.write(bytes.subarray(from, to)), 20 * index)
        return to
      }, 0)
    })
    for (const browser of [false, true]) {
      reactNative({ browser })
      const source = open(server.url('/split'), { transport: xhr() })
      const events = trace(source)
      await eventually(() => events.length === 2)
      expect(events[1]!.data).toBe('caf\u00e9 \u20ac')
    }
  })

  it('has the response decoded as UTF-8 whatever its charset parameter, where the platform lets it', async () => {
    reactNative({ browser: true })
    server.route('/latin1', (_request, response) => {
      startStream(response, { 'Content-Type': 'text/event-stream; charset=iso-8859-1' })
      response.write(Buffer.from('data: caf\u00e9\n\n'))
    })
    const source = open(server.url('/latin1'))
    const events = trace(source)
    await eventually(() => events.length === 2)
    expect(events[1]).toMatchObject({ type: 'message', data: 'caf\u00e9' })
  })
})

describe('[non-spec] renewing a full XHR response (responseLimit)', () => {
  it('renews the request after the read that passed the limit, from the last ID: no event fired, none lost, none repeated', async () => {
    reactNative()
    server.route('/renew', resumableStream(3000, 100))
    const source = open(server.url('/renew'), { transport: xhr({ responseLimit: 40_000 }) })
    const events = trace(source)
    await eventually(() => events.length === 3001)
    expect(events[0]!.type).toBe('open')
    expect(events.slice(1).map((e) => Number(e.data!.split(' ')[0]))).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1))
    const requests = server.requestsTo('/renew')
    // About 117 characters an event, 351,000 in all, in reads of up to 64 KiB: renewed after each read
    // that passes 40,000 characters, the rest of whose last event comes again.
    expect(requests.length).toBeGreaterThanOrEqual(5)
    expect(requests.slice(1).every((r) => Number(r.lastEventId) > 0)).toBe(true)
    // What responseText held at most: the limit plus the rest of the read that passed it.
    expect(Math.max(...createdRequests.map((x) => x.longestResponseText))).toBeLessThanOrEqual(40_000 + 64 * 1024)
  })

  it('waits for a read that ends with an event that set a new ID, so that events without one are not repeated', async () => {
    reactNative()
    server.route('/some-ids', (_request, response, index) => {
      startStream(response)
      if (index > 0) return void response.write('id: 3\ndata: d\n\n')
      response.write('id: 1\ndata: a\n\n' + 'data: b\n\n'.repeat(100))
      setTimeout(() => response.write('id: 2\ndata: c\n\n'), 50)
    })
    const source = open(server.url('/some-ids'), { transport: xhr({ responseLimit: 500 }) })
    const events = trace(source)
    await eventually(() => events.length === 104)
    expect(events.map((e) => e.data ?? e.type)).toEqual(['open', 'a', ...Array<string>(100).fill('b'), 'c', 'd'])
    expect(server.requestsTo('/some-ids').map((r) => r.lastEventId)).toEqual([undefined, '2'])
  })

  it('on a stream without IDs, reestablishes the connection with an error event that says why', async () => {
    reactNative()
    server.route('/no-ids', (_request, response) => {
      startStream(response)
      response.write('retry: 10\n\n' + 'data: 0123456789\n\n'.repeat(100))
    })
    const source = open(server.url('/no-ids'), { transport: xhr({ responseLimit: 500 }) })
    const events = trace(source)
    await eventually(() => events.some((e) => e.type === 'error'))
    const error = events.find((e) => e.type === 'error')!
    expect(error).toMatchObject({ readyState: 0, message: 'The connection failed (The XHR response passed its responseLimit (500) with no new event ID to resume from). Reconnecting in 10 ms.' })
    // The whole stream arrives in one read, which passes the limit: its events are dispatched, then the
    // connection is reestablished.
    expect(events.map((e) => e.type)).toEqual(['open', ...Array<string>(100).fill('message'), 'error'])
  })

  it('renews once for an event longer than the limit, which comes again whole', async () => {
    reactNative()
    const long = 'x'.repeat(2000)
    server.route('/long-event', (request, response) => {
      startStream(response)
      const lastEventId = request.headers['last-event-id']
      if (lastEventId === '2') return
      // Each time, the read that passes the limit ends inside event 2.
      response.write(`${lastEventId === '1' ? '' : 'id: 1\ndata: a\n\n'}id: 2\ndata: ${long.slice(0, 1000)}`)
      setTimeout(() => response.write(`${long.slice(1000)}\n\n`), 50)
    })
    const source = open(server.url('/long-event'), { transport: xhr({ responseLimit: 500 }) })
    const events = trace(source)
    await eventually(() => events.length === 3)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(events.map((e) => e.data?.length ?? e.type)).toEqual(['open', 1, 2000])
    // Renewed from 1 while event 2 was cut off; then event 2 came whole, and its read passed the limit
    // too: renewed from 2, and no more.
    expect(server.requestsTo('/long-event').map((r) => r.lastEventId)).toEqual([undefined, '1', '2'])
  })

  it('reestablishes the connection, from the last ID, past twice the limit without a new one', async () => {
    reactNative()
    server.route('/stale-id', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.write('retry: 10\nid: 1\ndata: first\n\n' + 'data: 0123456789\n\n'.repeat(100))
    })
    const source = open(server.url('/stale-id'), { transport: xhr({ responseLimit: 500 }) })
    const events = trace(source)
    await eventually(() => server.requestsTo('/stale-id').length === 2)
    expect(events.find((e) => e.type === 'error')).toMatchObject({ readyState: 0, message: 'The connection failed (The XHR response passed its responseLimit (500) with no new event ID to resume from). Reconnecting in 10 ms.' })
    expect(server.requestsTo('/stale-id')[1]!.lastEventId).toBe('1')
  })
})
