/**
 * Side by side with Chromium's native EventSource: each scenario runs the same client script with both,
 * in one page, against real loopback servers; the traces (every event's type, data, lastEventId, origin
 * and readyState; the final readyState; what the server saw) must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, startHarness, type ClientPlan, type Harness, type Implementation, type TraceEvent } from './harness'
import type { RouteHandler, TestServer } from '../server/sse-server'
import { startStream } from '../server/sse-server'

const chromiumPath = findChromium()
// A developer machine without Chromium skips this file with a reason; CI installs Chromium, so it must run there.
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')

let harness: Harness

interface Scenario {
  name: string
  server?: 'page' | 'cross'
  /** Serves the stream; absent for a scenario that opens `url` instead. */
  handler?: RouteHandler
  url?: string
  plan: ClientPlan
  /** What both implementations must produce, beyond being equal. */
  expected?: Array<[type: string, readyState: number, data?: string, lastEventId?: string]>
  /** Checks on what the server saw from one implementation's requests. */
  serverSaw?: (requests: TestServer['requests'], implementation: Implementation) => void
  /** Where ours cannot match native: why, and the trace ours gives instead (both are asserted). */
  knownDifference?: { reason: string; polyfill: Scenario['expected'] }
}

/** A trace in the short form scenarios state their expectations in. */
function summarize(events: TraceEvent[]) {
  return events.map((e) => [e.type, e.readyState, e.data, e.lastEventId].filter((v) => v !== undefined))
}

const CORS = (harnessOrigin: () => string, credentials = false) => ({
  'Access-Control-Allow-Origin': harnessOrigin(),
  ...(credentials ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
})

const scenarios: Scenario[] = [
  {
    name: 'messages, named events, ids and comments',
    handler: (_request, response) => {
      startStream(response)
      response.write(': hi\n\nid: 1\ndata: one\n\nevent: tick\ndata: two\ndata: lines\n\nid\ndata: three\n\n')
    },
    plan: { types: ['tick'], stopAfter: 4 },
    expected: [['open', 1], ['message', 1, 'one', '1'], ['tick', 1, 'two\nlines', '1'], ['message', 1, 'three', '']],
  },
  {
    name: 'UTF-8 split across writes, a leading BOM and invalid bytes',
    handler: (_request, response) => {
      startStream(response)
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: caf\u00e9 \u2603 \ud83d\ude00 '), Buffer.from([0xff]), Buffer.from('\n\n')])
      let offset = 0
      const drip = () => {
        if (offset >= bytes.length) return
        response.write(bytes.subarray(offset, offset + 3))
        offset += 3
        setTimeout(drip, 2)
      }
      drip()
    },
    plan: { stopAfter: 2 },
    expected: [['open', 1], ['message', 1, 'caf\u00e9 \u2603 \ud83d\ude00 \ufffd', '']],
  },
  {
    name: 'end of stream: error with CONNECTING, reconnect after retry: with Last-Event-ID',
    handler: (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('retry: 100\nid: 41\ndata: first\n\nid: 42\ndata: cut')
      else response.write('data: second\n\n')
    },
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'first', '41'], ['error', 0], ['open', 1], ['message', 1, 'second', '41']],
    serverSaw: (requests) => expect(requests.map((r) => r.lastEventId)).toEqual([undefined, '41']),
  },
  {
    name: 'HTTP 404 fails the connection without reconnecting',
    handler: (_request, response) => response.writeHead(404, { 'Content-Type': 'text/event-stream' }).end('retry: 10\n\n'),
    plan: { stopAfter: 1, settleMs: 300 },
    expected: [['error', 2]],
    serverSaw: (requests) => expect(requests).toHaveLength(1),
  },
  {
    name: 'HTTP 204 fails the connection',
    handler: (_request, response) => response.writeHead(204).end(),
    plan: { stopAfter: 1, settleMs: 300 },
    expected: [['error', 2]],
  },
  {
    name: 'a 200 with Content-Type text/plain fails the connection',
    handler: (_request, response) => response.writeHead(200, { 'Content-Type': 'text/plain' }).end('data: x\n\n'),
    plan: { stopAfter: 1, settleMs: 300 },
    expected: [['error', 2]],
  },
  {
    name: 'close() inside onmessage: nothing more is dispatched',
    handler: (_request, response) => {
      startStream(response)
      response.write('data: 1\n\ndata: 2\n\ndata: 3\n\n')
    },
    plan: { stopAfter: 2, settleMs: 200, closeOnEvent: 1 },
    expected: [['open', 1], ['message', 1, '1', '']],
  },
  {
    name: 'window.stop() aborts the stream: error and CLOSED, no reconnect (eventsource-request-cancellation)',
    handler: (_request, response) => {
      startStream(response)
      response.write('retry: 50\ndata: 1\n\n')
    },
    plan: { stopAfter: 3, settleMs: 300, stopWindowOnEvent: 1 },
    expected: [['open', 1], ['message', 1, '1', ''], ['error', 2]],
    knownDifference: {
      reason: 'Chromium rejects fetch after window.stop() with the same TypeError as a network error, so ours reconnects',
      polyfill: [['open', 1], ['message', 1, '1', ''], ['error', 0], ['open', 1], ['message', 1, '1', '']],
    },
  },
  {
    name: 'CORS without credentials: a cross-origin stream with Access-Control-Allow-Origin, and no cookie sent',
    server: 'cross',
    handler: (_request, response) => {
      startStream(response, CORS(() => harness.page.origin))
      response.write('data: cross\n\n')
    },
    plan: { stopAfter: 2 },
    expected: [['open', 1], ['message', 1, 'cross', '']],
    serverSaw: (requests) => expect(requests[0]!.headers.cookie).toBeUndefined(),
  },
  {
    name: 'CORS with withCredentials: the cookie is sent and Allow-Credentials honoured',
    server: 'cross',
    handler: (_request, response) => {
      startStream(response, CORS(() => harness.page.origin, true))
      response.write('data: with cookie\n\n')
    },
    plan: { stopAfter: 2, options: { withCredentials: true } },
    expected: [['open', 1], ['message', 1, 'with cookie', '']],
    serverSaw: (requests) => expect(requests[0]!.headers.cookie).toBe('session=s3cr3t'),
  },
  {
    name: 'a data: URL streams, with origin "null", then reconnects at its end',
    url: 'data:text/event-stream,retry:%201000%0Adata:%20x%0A%0A',
    plan: { stopAfter: 3 },
    expected: [['open', 1], ['message', 1, 'x', ''], ['error', 0]],
  },
  ...['about:blank', 'blob:http://127.0.0.1/missing', 'mailto:a@example.test'].map((url) => ({
    name: `${url}: error and CLOSED (eventsource-constructor-non-same-origin)`,
    url,
    plan: { stopAfter: 1, settleMs: 200 },
    expected: [['error', 2]] as Scenario['expected'],
  })),
  {
    name: 'CORS with withCredentials and Access-Control-Allow-Origin "*": refused, error and CLOSED',
    server: 'cross',
    handler: (_request, response) => {
      startStream(response, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' })
      response.write('data: hidden\n\n')
    },
    plan: { stopAfter: 1, settleMs: 300, options: { withCredentials: true } },
    expected: [['error', 2]],
  },
  {
    name: 'CORS refused (no Access-Control-Allow-Origin): error and CLOSED, no reconnect (eventsource-cross-origin failCORS)',
    server: 'cross',
    handler: (_request, response) => {
      startStream(response)
      response.write('retry: 50\ndata: hidden\n\n')
    },
    plan: { stopAfter: 1, settleMs: 300 },
    expected: [['error', 2]],
    // Ours also sends the no-cors request that tells a refusal from an unreachable server.
    serverSaw: (requests) => expect(requests.length).toBeLessThanOrEqual(2),
  },
  {
    name: 'a cross-origin reconnect with Last-Event-ID to a server whose preflight does not allow that header',
    server: 'cross',
    handler: (request, response, index) => {
      const cors = CORS(() => harness.page.origin)
      // Native sends a safe Last-Event-ID without a preflight; ours cannot, and its preflight is refused.
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      startStream(response, cors)
      if (index === 0) response.end('retry: 100\nid: 1\ndata: one\n\n')
      else response.write('data: two\n\n')
    },
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'one', '1'], ['error', 0], ['open', 1], ['message', 1, 'two', '1']],
    serverSaw: (requests, implementation) => {
      // How each stream request asked to resume: native by header; ours, after its refused preflight
      // (the refused request never reaches the server), by query parameter.
      const streams = requests.filter((r) => r.method === 'GET' && r.headers['sec-fetch-mode'] === 'cors')
      expect(streams.map((r) => r.lastEventId ?? new URLSearchParams(r.search).get('lastEventId') ?? undefined)).toEqual([undefined, '1'])
      expect(requests.some((r) => r.method === 'OPTIONS')).toBe(implementation === 'polyfill')
    },
  },
  {
    name: 'a cross-origin server that drops the connection before answering: error and CONNECTING',
    server: 'cross',
    handler: (request) => request.socket.destroy(),
    plan: { stopAfter: 1 },
    expected: [['error', 0]],
  },
  {
    name: 'a cross-origin 307 redirect: events carry the final origin, url stays the original',
    handler: (_request, response) => response.writeHead(307, { Location: harness.cross.url('/landing') }).end(),
    plan: { stopAfter: 2 },
    expected: [['open', 1], ['message', 1, 'landed', '']],
  },
]

describe.skipIf(!chromiumPath)('Chromium: our extras, where native has nothing to compare', () => {
  beforeAll(async () => {
    harness = await startHarness()
  }, 30_000)
  afterAll(() => harness?.close())

  function streamWithPreflight(allowHeaders: string | undefined): RouteHandler {
    return (request, response) => {
      const cors = CORS(() => harness.page.origin, true)
      if (request.method === 'OPTIONS') {
        response.writeHead(204, allowHeaders ? { ...cors, 'Access-Control-Allow-Headers': allowHeaders } : cors).end()
        return
      }
      startStream(response, cors)
      response.write(`data: ${request.headers.authorization}\n\n`)
    }
  }

  it('sends Authorization cross-origin with credentials, after the preflight that allows it', async () => {
    const urlFor = harness.route(harness.cross, 'preflight-ok', streamWithPreflight('authorization'))
    const run = await harness.run('polyfill', urlFor('polyfill'), { stopAfter: 2, options: { withCredentials: true, headers: { Authorization: 'Bearer jwt' } } })
    expect(run.events.map((e) => [e.type, e.data])).toEqual([['open', undefined], ['message', 'Bearer jwt']])
    expect(harness.cross.requestsTo('/preflight-ok/polyfill').map((r) => r.method)).toEqual(['OPTIONS', 'GET'])
  })

  it('fails with CLOSED, as native fails on CORS, when the preflight does not allow the header', async () => {
    const urlFor = harness.route(harness.cross, 'preflight-refused', streamWithPreflight(undefined))
    const run = await harness.run('polyfill', urlFor('polyfill'), { stopAfter: 1, settleMs: 300, options: { headers: { Authorization: 'Bearer jwt' } } })
    expect(run.events).toEqual([{ type: 'error', readyState: 2 }])
    expect(run.finalReadyState).toBe(2)
  })
})

describe.skipIf(!chromiumPath)('Chromium: native EventSource and ours, side by side', () => {
  beforeAll(async () => {
    harness = await startHarness()
    // Cookies are per host, not per port: 127.0.0.1:A and 127.0.0.1:B are cross-origin but same-site.
    await harness.addCookie('session', 's3cr3t')
    harness.cross.route('/landing', (_request, response) => {
      startStream(response, CORS(() => harness.page.origin))
      response.write('data: landed\n\n')
    })
  }, 30_000)
  afterAll(() => harness?.close())

  for (const [index, scenario] of scenarios.entries()) {
    const name = scenario.knownDifference ? `${scenario.name} [known difference: ${scenario.knownDifference.reason}]` : scenario.name
    it(name, async () => {
      const server = scenario.server === 'cross' ? harness.cross : harness.page
      const routed = scenario.handler && harness.route(server, `scenario-${index}`, scenario.handler)
      const urlFor = routed ?? (() => scenario.url!)
      const native = await harness.run('native', urlFor('native'), scenario.plan)
      const polyfill = await harness.run('polyfill', urlFor('polyfill'), scenario.plan)
      expect(polyfill.url).toBe(urlFor('polyfill'))
      expect(native.url).toBe(urlFor('native'))
      if (scenario.expected) expect(summarize(native.events)).toEqual(scenario.expected)
      if (scenario.knownDifference) {
        expect(summarize(polyfill.events)).toEqual(scenario.knownDifference.polyfill)
        return
      }
      expect(polyfill.events).toEqual(native.events)
      expect(polyfill.finalReadyState).toBe(native.finalReadyState)
      for (const implementation of ['native', 'polyfill'] as const) {
        scenario.serverSaw?.(server.requestsTo(new URL(urlFor(implementation)).pathname), implementation)
      }
    })
  }
})
