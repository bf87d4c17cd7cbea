/** [non-spec] The headers function's context, and refreshOnAuthError, against a loopback server. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { HeadersContext } from '../src/index'
import { backoff, refreshOnAuthError } from '../src/policies/index'
import { eventually, trace } from './helpers/events'
import { useSources } from './helpers/sources'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
const open = useSources()

/** A stream that stays open, or answers 401 (or `refusal`) unless the request carries `Bearer <valid>`. */
function protectedStream(valid: string, text: string, refusal = 401) {
  return (request: { headers: Record<string, unknown> }, response: import('node:http').ServerResponse) => {
    if (request.headers.authorization !== `Bearer ${valid}`) return void response.writeHead(refusal, { 'Content-Type': 'text/plain' }).end('expired')
    startStream(response)
    response.write(text)
  }
}

describe('[non-spec] the headers function context', () => {
  it('gets the attempt number, the previous failure status and a signal for each attempt', async () => {
    server.route('/context', (_request, response) => {
      startStream(response)
      response.end('retry: 10\ndata: x\n\n')
    })
    const contexts: HeadersContext[] = []
    const source = open(server.url('/context'), { headers: (context) => (contexts.push(context), {}) })
    await eventually(() => contexts.length === 3)
    source.close()
    expect(contexts.map(({ attempt, status }) => [attempt, status])).toEqual([[1, undefined], [2, undefined], [3, undefined]])
    // Each attempt's signal is aborted once that attempt is over, close() included.
    expect(contexts.every((context) => context.signal.aborted)).toBe(true)
  })

  it("aborts the signal of an attempt whose headers function is still pending when close() is called", async () => {
    let signal: AbortSignal | undefined
    const source = open(server.url('/never'), { headers: (context) => ((signal = context.signal), new Promise(() => {})) })
    await eventually(() => signal !== undefined)
    expect(signal!.aborted).toBe(false)
    source.close()
    expect(signal!.aborted).toBe(true)
  })
})

describe('[non-spec] the refreshOnAuthError() policy', () => {
  it('off (the default): a 401 fails the connection, and the headers function is not called again', async () => {
    server.route('/off', protectedStream('fresh', 'data: in\n\n'))
    const headers = vi.fn(() => ({ Authorization: 'Bearer stale' }))
    const source = open(server.url('/off'), { headers })
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events).toEqual([{ type: 'error', readyState: 2, status: 401, message: 'HTTP 401 Unauthorized. EventSource does not retry.' }])
    expect(headers).toHaveBeenCalledTimes(1)
  })

  for (const refusal of [401, 403]) {
    it(`on a ${refusal}, calls the headers function again with that status and retries at once, with no event`, async () => {
      server.route(`/refresh-${refusal}`, protectedStream('fresh', 'id: 1\ndata: in\n\n', refusal))
      const source = open(server.url(`/refresh-${refusal}`), {
        policies: [refreshOnAuthError()],
        headers: ({ status }) => ({ Authorization: status === refusal ? 'Bearer fresh' : 'Bearer stale' }),
      })
      const events = trace(source)
      await eventually(() => events.length === 2)
      expect(events.map((e) => [e.type, e.readyState, e.data])).toEqual([['open', 1, undefined], ['message', 1, 'in']])
      const requests = server.requestsTo(`/refresh-${refusal}`)
      expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
      // At once: not after the reconnection time.
      expect(requests[1]!.time - requests[0]!.time).toBeLessThan(1000)
    })
  }

  it('fails the connection on a second 401 in a row, after one refresh', async () => {
    server.route('/still-refused', protectedStream('never', ''))
    const headers = vi.fn((_context: HeadersContext) => ({ Authorization: 'Bearer stale' }))
    const source = open(server.url('/still-refused'), { policies: [refreshOnAuthError()], headers })
    const events = trace(source)
    await eventually(() => events.length === 1)
    expect(events).toEqual([{ type: 'error', readyState: 2, status: 401, message: 'HTTP 401 Unauthorized. EventSource does not retry.' }])
    expect(headers.mock.calls.map(([context]) => [context.attempt, context.status])).toEqual([[1, undefined], [2, 401]])
  })

  it('refreshes again on a later reconnect once the stream has opened in between', async () => {
    let token = 'first'
    server.route('/rotating', (request, response) => {
      if (request.headers.authorization !== `Bearer ${token}`) return void response.writeHead(401).end()
      startStream(response)
      // The token expires with the stream.
      token = token === 'first' ? 'second' : 'third'
      response.end(`retry: 10\ndata: ${request.headers.authorization}\n\n`)
    })
    const issued = ['first', 'second', 'third']
    let next = 0
    const source = open(server.url('/rotating'), {
      policies: [refreshOnAuthError()],
      headers: ({ status }) => ({ Authorization: `Bearer ${issued[status === 401 ? ++next : next]}` }),
    })
    const events = trace(source)
    await eventually(() => events.filter((e) => e.type === 'message').length === 3)
    source.close()
    expect(events.map((e) => e.data ?? e.type).slice(0, 8)).toEqual(['open', 'Bearer first', 'error', 'open', 'Bearer second', 'error', 'open', 'Bearer third'])
  })

  it("does not count its silent retry among backoff()'s failures in a row", async () => {
    server.route('/refresh-then-busy', (_request, response, index) => {
      if (index === 0) return void response.writeHead(401).end()
      if (index === 1) return void response.writeHead(503).end()
      startStream(response)
      response.write('data: in\n\n')
    })
    const source = open(server.url('/refresh-then-busy'), {
      headers: () => ({}),
      policies: [refreshOnAuthError(), backoff({ maxAttempts: 2, random: () => 0 })],
    })
    const events = trace(source)
    await eventually(() => events.some((e) => e.type === 'message'))
    expect(events.map((e) => [e.type, e.readyState])).toEqual([['error', 0], ['open', 1], ['message', 1]])
    expect(server.requestsTo('/refresh-then-busy')).toHaveLength(3)
  })
})
