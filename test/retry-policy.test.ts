/** [non-spec] The backoff() policy and reconnect(): units for the delays, then the EventSource against a loopback server. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventSource, type ReconnectionPolicy, type TransportResponse } from '../src/index'
import { backoff, retryAfter } from '../src/policies/backoff'
import { eventually, trace } from './helpers/events'
import { useSources } from './helpers/sources'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
const open = useSources()

/** The wait a policy decides after `failures` network failures in a row, or undefined where it closes. */
function delay(policy: ReconnectionPolicy, failures: number, reconnectionTime: number, response?: TransportResponse): number | undefined {
  const decision = policy.decide!({ message: '', reconnects: true, response }, { failures, reconnectionTime, previousStatus: undefined })
  return decision && 'reconnectIn' in decision ? decision.reconnectIn : undefined
}

/** Whether a policy retries an answer with this status, which native EventSource does not. */
function retriesStatus(policy: ReconnectionPolicy, status: number): boolean {
  return policy.decide!({ message: '', reconnects: false, status }, { failures: 1, reconnectionTime: 100, previousStatus: undefined }) !== undefined
}

describe('[non-spec] backoff() delays', () => {
  it('grow exponentially from the reconnection time, with full jitter, up to maxDelay, and end at maxAttempts', () => {
    const top = backoff({ maxDelay: 1000, maxAttempts: 7, random: () => 1 })
    expect([1, 2, 3, 4, 5, 6, 7].map((failures) => delay(top, failures, 100))).toEqual([100, 200, 400, 800, 1000, 1000, undefined])
    expect(delay(backoff({ random: () => 0 }), 3, 100)).toBe(0)
    expect(delay(backoff({ random: () => 0.5 }), 3, 100)).toBe(200)
    // Unlimited attempts and a 30 s cap by default.
    expect(delay(backoff({ random: () => 1 }), 1000, 100)).toBe(30_000)
  })

  it("take the answer's Retry-After, even past maxDelay", () => {
    const response = { status: 503, statusText: '', headers: { get: (name: string) => (name === 'retry-after' ? '120' : null) } }
    expect(delay(backoff({ maxDelay: 1000 }), 1, 100, response)).toBe(120_000)
  })

  it('take Retry-After in seconds or as an HTTP date, never below 0', () => {
    const now = Date.parse('2026-11-21T12:00:00Z')
    expect(retryAfter('120', now)).toBe(120_000)
    expect(retryAfter(' 0 ', now)).toBe(0)
    expect(retryAfter('Sat, 21 Nov 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(retryAfter('Sat, 21 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(retryAfter('soon', now)).toBeUndefined()
    expect(retryAfter(null, now)).toBeUndefined()
  })

  it('are for 5xx and 429 answers only', () => {
    const policy = backoff()
    expect([429, 500, 502, 503, 599].every((status) => retriesStatus(policy, status))).toBe(true)
    expect([200, 204, 301, 400, 401, 403, 404, 600].some((status) => retriesStatus(policy, status))).toBe(false)
  })
})

/** A route that answers `status` (with `headers`) to the requests `failing` picks by index, and streams to the others. */
function flakyStream(failing: (index: number) => boolean, status: number, headers: Record<string, string> = {}) {
  return (_request: unknown, response: import('node:http').ServerResponse, index: number) => {
    if (failing(index)) return void response.writeHead(status, headers).end()
    startStream(response)
    response.write('data: up\n\n')
  }
}

describe('[non-spec] policies: [backoff()]', () => {
  it('off (the default): a 503 closes the source, as native', async () => {
    server.route('/503-default', flakyStream(() => true, 503))
    const source = open(server.url('/503-default'))
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: 2, status: 503, message: 'HTTP 503 Service Unavailable. EventSource does not retry.' })
  })

  it('retries a 503 after the Retry-After wait, which the error event names', async () => {
    server.route('/503-then-up', flakyStream((index) => index === 0, 503, { 'Retry-After': '1' }))
    const source = open(server.url('/503-then-up'), { policies: [backoff()] })
    const events = trace(source)
    await eventually(() => events.length === 3, 5000)
    expect(events.map((e) => [e.type, e.readyState, e.status, e.data ?? e.message])).toEqual([
      ['error', 0, 503, 'HTTP 503 Service Unavailable. Reconnecting in 1000 ms.'],
      ['open', 1, undefined, undefined],
      ['message', 1, undefined, 'up'],
    ])
    const [first, second] = server.requestsTo('/503-then-up')
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(990)
  })

  it('waits longer after each failure in a row, from the server retry: time, and gives up after maxAttempts', async () => {
    // The stream sets retry: 20 and ends; then 429s without Retry-After.
    server.route('/backoff', (_request, response, index) => {
      if (index > 0) return void response.writeHead(429).end()
      startStream(response)
      response.end('retry: 20\ndata: once\n\n')
    })
    const source = open(server.url('/backoff'), { policies: [backoff({ maxAttempts: 4 })] })
    const events = trace(source)
    await eventually(() => source.readyState === EventSource.CLOSED, 5000)
    const errors = events.filter((e) => e.type === 'error')
    const waits = errors.slice(0, 3).map((e) => Number(/Reconnecting in (\d+) ms\./.exec(e.message!)![1]))
    expect(errors.map((e) => e.message!.replace(/\d+ ms/, 'N ms'))).toEqual([
      'The server ended the stream. Reconnecting in N ms.',
      'HTTP 429 Too Many Requests. Reconnecting in N ms.',
      'HTTP 429 Too Many Requests. Reconnecting in N ms.',
      'HTTP 429 Too Many Requests. Gave up after 4 failed attempts in a row.',
    ])
    // Full jitter below 20, 40 and 80 ms.
    waits.forEach((wait, index) => expect(wait).toBeLessThanOrEqual(20 * 2 ** index))
    expect(errors.at(-1)).toMatchObject({ readyState: 2, status: 429 })
    expect(server.requestsTo('/backoff')).toHaveLength(4)
  })

  it('retries network failures before the first open too, and can give up after the first', async () => {
    const source = open('http://127.0.0.1:1/unreachable', { policies: [backoff({ maxAttempts: 1 })] })
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: 2 })
    expect(events[0]!.message).toMatch(/^The connection failed \(.+\)\. Gave up after 1 failed attempt in a row\.$/)
  })

  it("clamps a custom policy's wait to what setTimeout can wait, rather than retry at once", async () => {
    server.route('/huge-wait', (_request, response) => response.writeHead(502).end())
    const source = open(server.url('/huge-wait'), { policies: [{ decide: () => ({ reconnectIn: 2 ** 40 }) }] })
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ readyState: 0, message: 'HTTP 502 Bad Gateway. Reconnecting in 2147483647 ms.' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.requestsTo('/huge-wait')).toHaveLength(1)
  })

  it('a policy that closes the source in decide leaves it CLOSED, with no event', async () => {
    server.route('/close-in-decide', (_request, response) => {
      startStream(response)
      response.end('retry: 10\ndata: 1\n\n')
    })
    let source!: EventSource
    source = open(server.url('/close-in-decide'), { policies: [{ decide: () => void source.close() }] })
    const events = trace(source)
    await eventually(() => source.readyState === EventSource.CLOSED)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events.map((e) => e.type)).toEqual(['open', 'message'])
    expect(server.requestsTo('/close-in-decide')).toHaveLength(1)
  })

  it('a policy that throws is reported, and the native rule decides', async () => {
    server.route('/throwing-policy', (_request, response) => {
      startStream(response)
      response.end('retry: 10\ndata: 1\n\n')
    })
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    try {
      const source = open(server.url('/throwing-policy'), { policies: [{ decide: () => { throw new Error('policy bug') } }] })
      const events = trace(source)
      await eventually(() => events.filter((e) => e.type === 'open').length === 2)
      expect(events[2]).toMatchObject({ type: 'error', readyState: 0, message: 'The server ended the stream. Reconnecting in 10 ms.' })
      expect(reportError).toHaveBeenCalledWith(new Error('policy bug'))
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('caps the wait at maxDelay', async () => {
    server.route('/capped', (_request, response, index) => {
      if (index > 0) return void response.writeHead(500).end()
      startStream(response)
      response.end('retry: 100000\ndata: once\n\n')
    })
    const source = open(server.url('/capped'), { policies: [backoff({ maxDelay: 50, maxAttempts: 3 })] })
    const events = trace(source)
    await eventually(() => source.readyState === EventSource.CLOSED, 3000)
    const waits = events.filter((e) => e.type === 'error' && e.readyState === 0).map((e) => Number(/in (\d+) ms/.exec(e.message!)![1]))
    expect(waits).toHaveLength(2)
    expect(waits.every((wait) => wait <= 50)).toBe(true)
  })
})

describe('[non-spec] reconnect()', () => {
  it('drops an open connection and connects again at once with Last-Event-ID, with no error event', async () => {
    server.route('/again', (request, response) => {
      startStream(response)
      response.write(`id: 7\ndata: ${request.headers['last-event-id'] ?? 'first'}\n\n`)
    })
    const source = open(server.url('/again'))
    const events = trace(source)
    await eventually(() => events.length === 2)
    source.reconnect()
    expect(source.readyState).toBe(EventSource.CONNECTING)
    await eventually(() => events.length === 4)
    expect(events.map((e) => e.data ?? e.type)).toEqual(['open', 'first', 'open', '7'])
  })

  it('cuts the wait for a reconnect short, and does nothing once CLOSED', async () => {
    server.route('/waiting', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('data: one\n\n')
      else response.write('data: two\n\n')
    })
    const source = open(server.url('/waiting'))
    const events = trace(source)
    // Ended: the source waits the default 3 s before reconnecting.
    await eventually(() => events.length === 3)
    source.reconnect()
    await eventually(() => events.length === 5, 1000)
    expect(events.map((e) => e.data ?? e.type)).toEqual(['open', 'one', 'error', 'open', 'two'])
    source.close()
    source.reconnect()
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(server.requestsTo('/waiting')).toHaveLength(2)
  })
})
