/**
 * [non-spec] acquire(): one connection per request for every holder, each with a view that behaves as
 * an EventSource of its own; closed on the next macrotask after the last view closes.
 */
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { acquire, EventSource, messages, requestKey, type Lease } from '../src/index'
import { fetchOrXhr, xhr } from '../src/xhr'
import { eventually, nextEvent } from './helpers/events'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer
const responses = new Map<string, ServerResponse[]>()
let paths = 0
const leases: Lease[] = []

beforeAll(async () => {
  server = await startServer()
  server.route('/shared/*', (request, response) => {
    const list = responses.get(request.url!) ?? []
    responses.set(request.url!, list)
    list.push(response)
    response.on('close', () => list.splice(list.indexOf(response), 1))
    startStream(response, { Connection: 'close' })
    response.write('retry: 20\n\n')
  })
  server.route('/gone', (_request, response) => response.writeHead(404).end())
})
afterEach(() => leases.splice(0).forEach((lease) => lease.release()))
afterAll(() => server.close())

/** A new stream's URL, what its server saw, and a way to send on its open responses. */
function stream() {
  const path = `/shared/${++paths}`
  return {
    url: server.url(path),
    requests: () => server.requestsTo(path),
    /** Responses still open. */
    open: () => responses.get(path)?.length ?? 0,
    send: (text: string) => responses.get(path)?.forEach((response) => response.write(text)),
  }
}

function take(...args: Parameters<typeof acquire>): Lease {
  const lease = acquire(...args)
  leases.push(lease)
  return lease
}

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('[non-spec] acquire()', () => {
  it('gives every holder of one request a view of one connection, each with its own copy of each event', async () => {
    const { url, requests, send } = stream()
    const [first, second] = [take(url), take(url)]
    await Promise.all([nextEvent(first.source, 'open'), nextEvent(second.source, 'open')])
    const received = Promise.all([nextEvent<MessageEvent>(first.source, 'message'), nextEvent<MessageEvent>(second.source, 'message')])
    send('id: 7\ndata: hello\n\n')
    const [a, b] = await received
    expect([a.data, a.lastEventId, a.origin, b.data]).toEqual(['hello', '7', server.origin, 'hello'])
    expect(a).not.toBe(b)
    expect(a.target).toBe(first.source)
    expect([first.source.lastEventId, first.source.url, first.source.readyState]).toEqual(['7', url, EventSource.OPEN])
    expect(requests()).toHaveLength(1)
  })

  it("a view's close() leaves the others their connection; the last one's closes it on the next macrotask", async () => {
    const { url, send, open } = stream()
    const [first, second] = [take(url), take(url)]
    await nextEvent(second.source, 'open')
    const seen: string[] = []
    first.source.onmessage = (event) => seen.push(`first ${event.data}`)
    second.source.onmessage = (event) => seen.push(`second ${event.data}`)
    first.source.close()
    expect(first.source.readyState).toBe(EventSource.CLOSED)
    expect(second.source.readyState).toBe(EventSource.OPEN)
    send('data: after\n\n')
    await eventually(() => seen.length > 0)
    expect(seen).toEqual(['second after'])
    second.release()
    // Acquired again within the task: the same connection.
    const third = take(url)
    expect(third.source.readyState).toBe(EventSource.OPEN)
    third.release()
    expect(open()).toBe(1)
    await macrotask()
    await eventually(() => open() === 0)
  })

  it('opens a new connection when the shared one has closed for good', async () => {
    const url = server.url('/gone')
    const first = take(url)
    const error = await nextEvent<Event & { status?: number }>(first.source, 'error')
    expect([error.status, first.source.readyState]).toEqual([404, EventSource.CLOSED])
    const second = take(url)
    expect(second.source.readyState).toBe(EventSource.CONNECTING)
    await nextEvent(second.source, 'error')
    expect(server.requestsTo('/gone')).toHaveLength(2)
  })

  it('sends the headers of the newest holder still there; they never split the connection', async () => {
    const { url, requests } = stream()
    const first = take(url, { headers: { authorization: 'one' } })
    await nextEvent(first.source, 'open')
    const second = take(url, { headers: () => ({ authorization: 'two' }) })
    first.source.reconnect()
    await nextEvent(first.source, 'open')
    second.release()
    first.source.reconnect()
    await eventually(() => requests().length === 3)
    expect(requests().map((request) => request.headers.authorization)).toEqual(['one', 'two', 'one'])
  })

  it("closes a holder's view when its signal aborts", async () => {
    const { url } = stream()
    const controller = new AbortController()
    const mine = take(url, { signal: controller.signal })
    const other = take(url)
    await nextEvent(other.source, 'open')
    controller.abort()
    expect([mine.source.readyState, other.source.readyState]).toEqual([EventSource.CLOSED, EventSource.OPEN])
  })

  it('with an aborted signal, gives a closed view and requests nothing', async () => {
    const { url, requests } = stream()
    const headers = vi.fn(() => ({}))
    const lease = take(url, { signal: AbortSignal.abort(), headers })
    expect(lease.source.readyState).toBe(EventSource.CLOSED)
    await macrotask()
    expect([requests().length, headers.mock.calls.length]).toEqual([0, 0])
  })

  it('ends a messages() loop over a view when the view closes', async () => {
    const { url, send } = stream()
    const lease = take(url)
    await nextEvent(lease.source, 'open')
    const received: string[] = []
    const loop = (async () => {
      for await (const event of messages(lease.source)) {
        received.push(event.data)
        if (received.length === 2) lease.release()
      }
    })()
    send('data: 1\n\ndata: 2\n\n')
    await loop
    expect(received).toEqual(['1', '2'])
  })

  it('keys by the request, not by header values or signals; objects count by identity; xhr() and fetchOrXhr() give one transport per options', () => {
    const url = 'https://example.test/events'
    expect(requestKey(url, { headers: { authorization: 'a' }, signal: new AbortController().signal })).toBe(requestKey(url))
    expect(requestKey(url, { withCredentials: true })).not.toBe(requestKey(url))
    expect(requestKey(url, { method: 'post' })).toBe(requestKey(url, { method: 'POST' }))
    expect(requestKey(url, { body: 'a' })).not.toBe(requestKey(url, { body: 'b' }))
    expect(requestKey(url, { body: new FormData() })).not.toBe(requestKey(url, { body: new FormData() }))
    expect(requestKey(url, { heartbeatTimeout: 1000 })).not.toBe(requestKey(url))
    const fetch = globalThis.fetch
    expect(requestKey(url, { transport: fetchOrXhr({ fetch }) })).toBe(requestKey(url, { transport: fetchOrXhr({ fetch }) }))
    expect(requestKey(url, { transport: fetchOrXhr() })).not.toBe(requestKey(url, { transport: fetchOrXhr({ fetch }) }))
    vi.stubGlobal('XMLHttpRequest', class {})
    expect(xhr()).toBe(xhr({}))
    expect(xhr({ responseLimit: 10 })).not.toBe(xhr())
    vi.unstubAllGlobals()
  })
})
