/** Redirects (WPT request-redirect, eventsource-cross-origin): followed, with the final origin on events. */
import { expect } from 'vitest'
import { startStream } from '../../server/sse-server'
import { corsHeaders, type Scenario, type ScenarioTable } from './scenario'

export const redirectScenarios: ScenarioTable = (harness) => {
  const target = (server: 'page' | 'cross' | 'crossSite') => harness[server].url('/landing')
  return [
    ...[301, 302, 303, 307, 308].flatMap((status): Scenario[] => [
      {
        name: `a same-origin ${status} is followed; url stays the original`,
        handler: (_request, response) => response.writeHead(status, { Location: '/landing' }).end(),
        plan: { stopAfter: 2 },
        expected: [['open', 1], ['message', 1, 'landed', '']],
      },
      {
        name: `a cross-origin ${status} is followed; events carry the final origin`,
        handler: (_request, response) => response.writeHead(status, { Location: target('cross') }).end(),
        plan: { stopAfter: 2 },
        expected: [['open', 1], ['message', 1, 'landed', '']],
      },
    ]),
    {
      name: 'a cross-site 302 (to localhost) is followed',
      handler: (_request, response) => response.writeHead(302, { Location: target('crossSite') }).end(),
      plan: { stopAfter: 2 },
      expected: [['open', 1], ['message', 1, 'landed', '']],
    },
    {
      name: 'a redirect chain is followed to its end',
      handler: (request, response) => {
        const hop = Number(new URLSearchParams(request.url!.split('?')[1]).get('hop') ?? 0)
        if (hop < 3) response.writeHead(307, { Location: `${request.url!.split('?')[0]}?hop=${hop + 1}` }).end()
        else response.writeHead(307, { Location: target('cross') }).end()
      },
      plan: { stopAfter: 2 },
      expected: [['open', 1], ['message', 1, 'landed', '']],
    },
    {
      name: 'a redirect to a 204 fails the connection',
      handler: (_request, response) => response.writeHead(302, { Location: '/no-content' }).end(),
      plan: { stopAfter: 1, settleMs: 300 },
      expected: [['error', 2]],
    },
    {
      name: 'a redirect to a 404 fails the connection',
      handler: (_request, response) => response.writeHead(302, { Location: '/missing' }).end(),
      plan: { stopAfter: 1, settleMs: 300 },
      expected: [['error', 2]],
    },
    {
      name: 'a cross-origin redirect to a server without CORS headers: error and CLOSED',
      handler: (_request, response) => response.writeHead(307, { Location: harness.cross.url('/landing-without-cors') }).end(),
      plan: { stopAfter: 1, settleMs: 300 },
      expected: [['error', 2]],
    },
    {
      name: 'reconnects go to the URL the redirect led to, not the original (the request keeps its URL list)',
      handler: (request, response) => response.writeHead(307, { Location: harness.cross.url(`/reconnect-target${request.url}`) }).end(),
      plan: { stopAfter: 5 },
      expected: [['open', 1], ['message', 1, 'once', '1'], ['error', 0], ['open', 1], ['message', 1, 'again', '1']],
      serverSaw: (requests) => expect(requests).toHaveLength(1),
    },
  ]
}

/**
 * Where redirects land: `/landing` (CORS allowed), `/landing-once` (ends after one event),
 * `/landing-without-cors`, `/no-content`, and `/reconnect-target/*` (ends the first time each path is hit).
 */
export function serveLandings(harness: Parameters<ScenarioTable>[0]): void {
  for (const server of [harness.page, harness.cross, harness.crossSite]) {
    server.route('/landing', (_request, response) => {
      startStream(response, corsHeaders(harness))
      response.write('data: landed\n\n')
    })
    server.route('/landing-once', (_request, response) => {
      startStream(response, corsHeaders(harness))
      response.end('retry: 50\nid: 1\ndata: once\n\n')
    })
    server.route('/landing-without-cors', (_request, response) => {
      startStream(response)
      response.write('data: hidden\n\n')
    })
    server.route('/no-content', (_request, response) => response.writeHead(204).end())
    server.route('/reconnect-target/*', (request, response, index) => {
      // Ours sends Last-Event-ID as a custom header, preflighted. WebKit waits for a preflight's whole
      // response, so it gets a complete one, which allows the header.
      if (request.method === 'OPTIONS') return void response.writeHead(204, { ...corsHeaders(harness), 'Access-Control-Allow-Headers': 'last-event-id' }).end()
      startStream(response, corsHeaders(harness))
      if (index === 0) response.end('retry: 50\nid: 1\ndata: once\n\n')
      else response.write('data: again\n\n')
    })
  }
}
