/** The EventSource over Node's own fetch against a real HTTP server on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventSource, type FetchLike } from '../src/index'
import { eventually, trace } from './helpers/events'
import { useSources } from './helpers/sources'
import { sendAndEnd, startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer
let other: TestServer

beforeAll(async () => {
  server = await startServer('127.0.0.1')
  // Another origin: same host name, another port.
  other = await startServer('127.0.0.1')
})
afterAll(async () => {
  await server.close()
  await other.close()
})
const open = useSources()

describe('the request on the wire', () => {
  it('carries Accept, the custom headers, no-cache headers, and no Last-Event-ID at first', async () => {
    server.route('/headers', (_request, response) => startStream(response))
    const source = open(server.url('/headers'), { headers: { Authorization: 'Bearer abc.def.ghi', 'X-Client': 'demo' } })
    await eventually(() => source.readyState === EventSource.OPEN)
    const [request] = server.requestsTo('/headers')
    expect(request).toMatchObject({ method: 'GET', lastEventId: undefined })
    expect(request!.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: 'Bearer abc.def.ghi',
      'x-client': 'demo',
      // What fetch adds for cache mode "no-store" (undici "pragma and cache-control set to no-cache").
      pragma: 'no-cache',
      'cache-control': 'no-cache',
    })
  })
})

describe('reconnection', () => {
  it('reconnects after the stream ends, waits the retry: time and sends Last-Event-ID (UTF-8)', async () => {
    server.route('/resume', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('retry: 200\nid: caf\u00e9-1\ndata: one\n\n')
      else response.write('data: two\n\n')
    })
    const source = open(server.url('/resume'))
    const events = trace(source)
    await eventually(() => events.length === 5)
    expect(events.map((e) => [e.type, e.readyState, e.data, e.lastEventId])).toEqual([
      ['open', 1, undefined, undefined],
      ['message', 1, 'one', 'caf\u00e9-1'],
      ['error', 0, undefined, undefined],
      ['open', 1, undefined, undefined],
      ['message', 1, 'two', 'caf\u00e9-1'],
    ])
    const [first, second] = server.requestsTo('/resume')
    expect(first!.lastEventId).toBeUndefined()
    expect(second!.lastEventId).toBe('caf\u00e9-1')
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(190)
  })

  it('reconnects after the server resets the connection mid-event', async () => {
    server.route('/reset', (request, response, index) => {
      startStream(response)
      if (index === 0) response.write('retry: 10\nid: 1\ndata: kept\n\nid: 2\ndata: lost', () => request.socket.destroy())
      else response.write('data: after\n\n')
    })
    const source = open(server.url('/reset'))
    const events = trace(source, ['message', 'error'])
    await eventually(() => events.length === 3)
    expect(events.map((e) => e.data ?? e.type)).toEqual(['kept', 'error', 'after'])
    expect(server.requestsTo('/reset')[1]!.lastEventId).toBe('1')
  })

  it('keeps reconnecting while the server is down, and resumes from Last-Event-ID once it is back', async () => {
    const first = await startServer('127.0.0.1')
    const port = Number(new URL(first.origin).port)
    first.route('/restart', sendAndEnd('retry: 50\nid: 7\ndata: before\n\n'))
    const source = open(first.url('/restart'))
    const events = trace(source)
    await eventually(() => events.some((e) => e.type === 'message'))
    await first.close()
    // Refused while it is down: each attempt is an error event, the state stays CONNECTING.
    await eventually(() => events.filter((e) => e.type === 'error').length >= 3)
    expect(events.filter((e) => e.type === 'error').every((e) => e.readyState === EventSource.CONNECTING)).toBe(true)
    expect(events.some((e) => e.message?.startsWith('The connection failed ('))).toBe(true)
    const restarted = await startServer('127.0.0.1', port)
    restarted.route('/restart', (_request, response) => {
      startStream(response)
      response.write('data: after\n\n')
    })
    await eventually(() => events.at(-1)?.data === 'after')
    expect(restarted.requestsTo('/restart')[0]!.lastEventId).toBe('7')
    expect(source.readyState).toBe(EventSource.OPEN)
    source.close()
    await restarted.close()
  })

  it('reconnects to the URL a redirect led to (the request keeps its URL list, as in Chromium)', async () => {
    server.route('/moved-stream', (_request, response) => response.writeHead(307, { Location: other.url('/target') }).end())
    other.route('/target', sendAndEnd('retry: 10\ndata: hi\n\n'))
    const source = open(server.url('/moved-stream'))
    const events = trace(source, ['message'])
    await eventually(() => events.length === 2)
    expect(server.requestsTo('/moved-stream')).toHaveLength(1)
    expect(other.requestsTo('/target').length).toBeGreaterThanOrEqual(2)
    expect(source.url).toBe(server.url('/moved-stream'))
  })
})

describe('failing the connection', () => {
  it.each([
    ['HTTP 204', 204, 'text/event-stream'],
    ['HTTP 404', 404, 'text/event-stream'],
    ['HTTP 500', 500, 'text/event-stream'],
    ['HTTP 503', 503, 'text/event-stream'],
    ['a 200 with text/html', 200, 'text/html'],
  ])('on %s: one error with CLOSED, and no second request', async (_name, status, contentType) => {
    const path = `/fail-${status}-${contentType.replace('/', '-')}`
    server.route(path, (_request, response) => response.writeHead(status, { 'Content-Type': contentType }).end(status === 204 ? undefined : 'retry: 10\ndata: x\n\n'))
    const source = open(server.url(path))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events).toEqual([{ type: 'error', readyState: EventSource.CLOSED, status, message: expect.any(String) }])
    // A reconnect would come after 3000 ms; the server's retry: 10 in the body must not be read either.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.requestsTo(path)).toHaveLength(1)
  })

  it('on a 3xx without Location (undici "missing Location")', async () => {
    server.route('/no-location', (_request, response) => response.writeHead(302).end())
    const source = open(server.url('/no-location'))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CLOSED, status: 302 })
  })

  it('on a redirect to a 204', async () => {
    server.route('/to-204', (_request, response) => response.writeHead(302, { Location: '/is-204' }).end())
    server.route('/is-204', (_request, response) => response.writeHead(204).end())
    const source = open(server.url('/to-204'))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CLOSED, status: 204 })
  })
})

describe('[non-spec] custom headers and redirects outside browsers (CVE-2022-1650)', () => {
  function redirectTo(target: string) {
    return (_request: unknown, response: import('node:http').ServerResponse) => response.writeHead(302, { Location: target }).end()
  }
  // Ends each stream, so that the reconnect, which goes straight to the redirect's target, is seen too.
  const echoHeaders: Parameters<TestServer['route']>[1] = (request, response) => {
    startStream(response)
    const { authorization, 'x-token': token, accept } = request.headers
    response.end(`retry: 10\ndata: ${JSON.stringify({ authorization, token, accept })}\n\n`)
  }
  const custom = { Authorization: 'Bearer secret', 'X-Token': 'key', Cookie: 'session=1' }

  it('drops every custom header when a redirect leads to another origin, and keeps Accept', async () => {
    server.route('/hop-away', redirectTo(other.url('/echo')))
    other.route('/echo', echoHeaders)
    const source = open(server.url('/hop-away'), { headers: custom })
    const events = trace(source, ['message'])
    await eventually(() => events.length === 3)
    expect(events.map((event) => JSON.parse(event.data!))).toEqual(Array(3).fill({ accept: 'text/event-stream' }))
    expect(other.requestsTo('/echo').map((request) => request.headers.cookie)).toEqual([undefined, undefined, undefined])
    expect(server.requestsTo('/hop-away')).toHaveLength(1)
    expect(events[0]!.origin).toBe(other.origin)
  })

  it('keeps them on a same-origin redirect', async () => {
    server.route('/hop-here', redirectTo('/echo-here'))
    server.route('/echo-here', echoHeaders)
    const source = open(server.url('/hop-here'), { headers: custom })
    const events = trace(source, ['message'])
    await eventually(() => events.length === 2)
    expect(events.map((event) => JSON.parse(event.data!))).toEqual(Array(2).fill({ authorization: 'Bearer secret', token: 'key', accept: 'text/event-stream' }))
  })

  it('keeps them on a cross-origin redirect when forwardHeadersOnCrossOriginRedirect is set', async () => {
    server.route('/hop-away-forward', redirectTo(other.url('/echo-forward')))
    other.route('/echo-forward', echoHeaders)
    const source = open(server.url('/hop-away-forward'), { headers: custom, forwardHeadersOnCrossOriginRedirect: true })
    const events = trace(source, ['message'])
    await eventually(() => events.length === 2)
    expect(events.map((event) => JSON.parse(event.data!))).toEqual(Array(2).fill({ authorization: 'Bearer secret', token: 'key', accept: 'text/event-stream' }))
  })

  it('lets a fetch option follow redirects, so a wrapper that adds Authorization never sends it to another origin, reconnects included', async () => {
    server.route('/hop-away-wrapped', redirectTo(other.url('/echo-wrapped')))
    other.route('/echo-wrapped', echoHeaders)
    const calls: string[] = []
    const withToken: FetchLike = (url, init) => {
      calls.push(url)
      return globalThis.fetch(url, { ...init, headers: { ...init.headers, Authorization: 'Bearer secret' } })
    }
    const source = open(server.url('/hop-away-wrapped'), { fetch: withToken })
    const events = trace(source, ['message'])
    await eventually(() => events.length === 3)
    // Fetch follows the redirect and drops Authorization there; each reconnect goes through the redirect again.
    expect(events.map((event) => JSON.parse(event.data!))).toEqual(Array(3).fill({ accept: 'text/event-stream' }))
    expect(calls).toEqual(Array(3).fill(server.url('/hop-away-wrapped')))
    expect(server.requestsTo('/hop-away-wrapped').map((request) => request.headers.authorization)).toEqual(Array(3).fill('Bearer secret'))
    expect(events[0]!.origin).toBe(other.origin)
  })

  it.each([
    ['a data: URL', 'data:text/event-stream,data:%20x%0A%0A', 'Redirect to a URL that is not http(s): data:'],
    ['a file: URL', 'file:///etc/passwd', 'Redirect to a URL that is not http(s): file:'],
    ['a URL with credentials', 'http://user:pass@127.0.0.1:9/', 'Redirect to a URL with credentials'],
  ])('treats a redirect to %s as a network error, as fetch does', async (_case, location, reason) => {
    const path = `/bad-redirect-${location.slice(0, 4)}`
    server.route(path, (_request, response) => response.writeHead(302, { Location: location }).end())
    const source = open(server.url(path))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CONNECTING, message: `The connection failed (${reason}). Reconnecting in 3000 ms.` })
  })

  it('treats more than 20 redirects as a network error', async () => {
    server.route('/loop', redirectTo('/loop'))
    const source = open(server.url('/loop'))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CONNECTING, message: 'The connection failed (More than 20 redirects). Reconnecting in 3000 ms.' })
    expect(server.requestsTo('/loop')).toHaveLength(21)
  })
})

describe('[non-spec] hostile responses', () => {
  it('reads binary garbage as U+FFFD-laden text: no crash, no hang, and the stream goes on', async () => {
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 256))
    server.route('/garbage', (_request, response) => {
      startStream(response)
      response.write(garbage)
      response.write('\n\ndata: after the garbage\n\n')
    })
    const source = open(server.url('/garbage'))
    const events = trace(source, ['message'])
    await eventually(() => events.some((e) => e.data === 'after the garbage'))
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('fails the connection for a wrong Content-Type after a redirect', async () => {
    server.route('/to-html', (_request, response) => response.writeHead(302, { Location: '/html' }).end())
    server.route('/html', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>data: x</p>\n\n'))
    const source = open(server.url('/to-html'))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: EventSource.CLOSED, status: 200, message: 'Content-Type "text/html", not text/event-stream. EventSource does not retry.' })
  })
})

describe('redirects (request-redirect)', () => {
  it('drop Authorization on a cross-origin redirect, keep it on a same-origin one (whatwg/fetch#1544)', async () => {
    server.route('/auth-hop', (_request, response) => response.writeHead(307, { Location: '/auth-same' }).end())
    server.route('/auth-same', (_request, response) => response.writeHead(307, { Location: other.url('/auth-other') }).end())
    other.route('/auth-other', (_request, response) => {
      startStream(response)
      response.write('data: x\n\n')
    })
    const source = open(server.url('/auth-hop'), { headers: { Authorization: 'Bearer secret' } })
    const events = trace(source, ['message'])
    await eventually(() => events.length === 1)
    expect(server.requestsTo('/auth-same')[0]!.headers.authorization).toBe('Bearer secret')
    expect(other.requestsTo('/auth-other')[0]!.headers.authorization).toBeUndefined()
  })

  it.each([301, 302, 303, 307, 308])('follows %i, keeps url, and gives events the final origin', async (status) => {
    server.route(`/redirect-${status}`, (_request, response) => response.writeHead(status, { Location: other.url(`/landing-${status}`) }).end())
    other.route(`/landing-${status}`, (_request, response) => {
      startStream(response)
      response.write('data: landed\n\n')
    })
    const source = open(server.url(`/redirect-${status}`))
    const events = trace(source, ['message'])
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ data: 'landed', origin: other.origin })
    expect(source.url).toBe(server.url(`/redirect-${status}`))
  })
})
