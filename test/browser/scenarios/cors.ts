/**
 * Cross-origin streams (WPT eventsource-cross-origin, request-credentials, eventsource-cross-origin-preflight):
 * another port of 127.0.0.1 (same site: cookies flow with credentials) and localhost (another site).
 */
import { expect } from 'vitest'
import { startStream, type RouteHandler } from '../../server/sse-server'
import { corsHeaders, streamText, type Scenario, type ScenarioTable } from './scenario'

const refused = { plan: { stopAfter: 1, settleMs: 300 }, expected: [['error', 2]] }

export const corsScenarios: ScenarioTable = (harness) => [
  ...(['cross', 'crossSite'] as const).flatMap((server): Scenario[] => {
    const where = server === 'cross' ? 'another origin of the same site' : 'another site (localhost)'
    return [
      {
        name: `CORS on ${where}: Access-Control-Allow-Origin lets the stream through, without cookies`,
        server,
        handler: streamText('data: cross\n\n', corsHeaders(harness)),
        plan: { stopAfter: 2 },
        expected: [['open', 1], ['message', 1, 'cross', '']],
        serverSaw: (requests) => expect(requests[0]!.headers.cookie).toBeUndefined(),
        worker: server === 'cross',
      },
      {
        name: `CORS on ${where} with withCredentials and Allow-Credentials`,
        server,
        handler: streamText('data: credentialed\n\n', corsHeaders(harness, true)),
        plan: { stopAfter: 2, options: { withCredentials: true } },
        expected: [['open', 1], ['message', 1, 'credentialed', '']],
        // Cookies are per host: same-site 127.0.0.1 gets the page's cookie, localhost has none.
        serverSaw: (requests) => expect(requests[0]!.headers.cookie).toBe(server === 'cross' ? 'session=s3cr3t' : undefined),
      },
      { name: `CORS on ${where} without Access-Control-Allow-Origin: error and CLOSED (failCORS)`, server, handler: streamText('retry: 50\ndata: hidden\n\n'), ...refused },
      {
        name: `CORS on ${where} with another origin allowed: error and CLOSED`,
        server,
        handler: streamText('data: hidden\n\n', { 'Access-Control-Allow-Origin': 'http://elsewhere.test' }),
        ...refused,
      },
      {
        name: `CORS on ${where} with withCredentials but no Allow-Credentials: error and CLOSED`,
        server,
        handler: streamText('data: hidden\n\n', corsHeaders(harness)),
        ...refused,
        plan: { ...refused.plan, options: { withCredentials: true } },
      },
      {
        name: `CORS on ${where} with withCredentials and Allow-Origin "*": error and CLOSED`,
        server,
        handler: streamText('data: hidden\n\n', { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' }),
        ...refused,
        plan: { ...refused.plan, options: { withCredentials: true } },
      },
    ]
  }),
  {
    name: 'CORS with Allow-Origin "*" and no credentials is accepted',
    server: 'cross',
    handler: streamText('data: star\n\n', { 'Access-Control-Allow-Origin': '*' }),
    plan: { stopAfter: 2 },
    expected: [['open', 1], ['message', 1, 'star', '']],
  },
  {
    name: 'a cross-origin reconnect with Last-Event-ID to a server whose preflight allows that header',
    server: 'cross',
    handler: resumableStream({ ...corsHeaders(harness), 'Access-Control-Allow-Headers': 'last-event-id' }),
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'one', '1'], ['error', 0], ['open', 1], ['message', 1, 'two', '1']],
    serverSaw: (requests) => expect(requests.filter((r) => r.method === 'GET').map((r) => r.lastEventId)).toEqual([undefined, '1']),
  },
  {
    name: 'a cross-origin reconnect with Last-Event-ID to a server whose preflight does not allow that header',
    server: 'cross',
    // Native sends a safe Last-Event-ID without a preflight; ours cannot, and its preflight is refused.
    handler: resumableStream(corsHeaders(harness)),
    serverViewDiffers: true,
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'one', '1'], ['error', 0], ['open', 1], ['message', 1, 'two', '1']],
    serverSaw: (requests, implementation) => {
      // How each stream request asked to resume: native by header; ours, after its refused preflight
      // (the refused request never reaches the server), by query parameter.
      const streams = requests.filter((r) => r.method === 'GET' && r.headers['sec-fetch-mode'] === 'cors')
      expect(streams.map((r) => r.lastEventId ?? new URLSearchParams(r.search).get('lastEventId') ?? undefined)).toEqual([undefined, '1'])
      expect(requests.some((r) => r.method === 'OPTIONS')).toBe(implementation !== 'native')
    },
  },
  {
    name: 'a cross-origin server that drops the connection before answering: error and CONNECTING',
    server: 'cross',
    handler: (request) => request.socket.destroy(),
    plan: { stopAfter: 1 },
    expected: [['error', 0]],
  },
]

/**
 * A cross-origin stream that ends after `id: 1` and then stays open on the reconnect, answering
 * preflights with the given CORS headers.
 */
function resumableStream(cors: Record<string, string>): RouteHandler {
  // Stream requests per path (each run has its own), not counting preflights.
  const streams = new Map<string, number>()
  return (request, response) => {
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
    const path = request.url!.split('?')[0]!
    streams.set(path, (streams.get(path) ?? 0) + 1)
    startStream(response, cors)
    if (streams.get(path) === 1) response.end('retry: 100\nid: 1\ndata: one\n\n')
    else response.write('data: two\n\n')
  }
}
