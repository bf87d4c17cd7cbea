/**
 * When a response is accepted or fails the connection (WPT request-status-error, format-mime-*,
 * eventsource-constructor-non-same-origin), and URL schemes.
 */
import { expect } from 'vitest'
import { streamText, type Scenario, type ScenarioTable } from './scenario'

const failed = { plan: { stopAfter: 1, settleMs: 300 }, expected: [['error', 2]], serverSaw: (requests: unknown[]) => expect(requests).toHaveLength(1) }

export const responseScenarios: ScenarioTable = () => [
  ...[201, 202, 203, 204, 205, 206, 299, 400, 401, 403, 404, 410, 429, 500, 502, 503].map(
    (status): Scenario => ({
      name: `HTTP ${status} fails the connection: error, CLOSED, no reconnect (request-status-error)`,
      handler: (_request, response) => response.writeHead(status, { 'Content-Type': 'text/event-stream' }).end(status === 204 || status === 205 ? undefined : 'retry: 10\ndata: x\n\n'),
      ...failed,
      worker: status === 404,
    }),
  ),
  ...[301, 302, 303, 307, 308].map(
    (status): Scenario => ({
      name: `HTTP ${status} without Location fails the connection`,
      handler: (_request, response) => response.writeHead(status, { 'Content-Type': 'text/event-stream' }).end('data: x\n\n'),
      ...failed,
    }),
  ),
  ...['text/html', 'text/plain', 'application/json', 'x bogus', 'text/event-streams', 'text/event-stream-x', 'text', ''].map(
    (contentType): Scenario => ({
      name: `a 200 with Content-Type ${JSON.stringify(contentType)} fails the connection (format-mime-bogus)`,
      handler: (_request, response) => response.writeHead(200, contentType ? { 'Content-Type': contentType } : {}).end('data: x\n\n'),
      ...failed,
    }),
  ),
  {
    name: 'a 200 without Content-Type fails the connection',
    handler: (_request, response) => {
      response.removeHeader('Content-Type')
      response.writeHead(200).end('data: x\n\n')
    },
    ...failed,
  },
  ...['text/event-stream;charset=utf-8', 'TEXT/EVENT-STREAM', 'Text/Event-Stream; Charset=UTF-8', 'text/event-stream;', 'text/event-stream ; foo=bar', 'text/event-stream;charset="utf-8"'].map(
    (contentType): Scenario => ({
      name: `a 200 with Content-Type ${JSON.stringify(contentType)} is accepted (format-mime-trailing-semicolon, format-mime-valid)`,
      handler: streamText('data: ok\n\n', { 'Content-Type': contentType }),
      plan: { stopAfter: 2, settleMs: 50 },
      expected: [['open', 1], ['message', 1, 'ok', '']],
    }),
  ),
  {
    name: 'a 200 with an empty body opens, then reconnects',
    handler: (_request, response, index) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' })
      if (index === 0) response.end()
      else response.write('data: second\n\n')
    },
    plan: { stopAfter: 4 },
    expected: [['open', 1], ['error', 0], ['open', 1], ['message', 1, 'second', '']],
  },
  {
    name: 'a data: URL streams, with origin "null", then reconnects at its end',
    url: 'data:text/event-stream,retry:%201000%0Adata:%20x%0A%0A',
    plan: { stopAfter: 3 },
    expected: [['open', 1], ['message', 1, 'x', ''], ['error', 0]],
  },
  ...['about:blank', 'blob:http://127.0.0.1/missing', 'mailto:a@example.test', 'javascript:void(0)'].map(
    (url): Scenario => ({
      name: `${url}: error and CLOSED (eventsource-constructor-non-same-origin)`,
      url,
      plan: { stopAfter: 1, settleMs: 200 },
      expected: [['error', 2]],
    }),
  ),
]
