/**
 * Reestablishing the connection (WPT eventsource-reconnect, format-field-retry, format-field-id*,
 * request-lasteventid) and close() from every place (eventsource-close).
 */
import { expect } from 'vitest'
import { startStream, type RouteHandler } from '../../server/sse-server'
import { streamText, type Scenario, type ScenarioTable } from './scenario'

/** The first connection sends `first` and ends; later ones send `then` and stay open. */
function thenReconnect(first: string, then = 'data: again\n\n'): RouteHandler {
  return (_request, response, index) => {
    startStream(response)
    if (index === 0) response.end(first)
    else response.write(then)
  }
}

const lastEventIds = (requests: Array<{ lastEventId?: string }>) => requests.map((request) => request.lastEventId)

export const reconnectionScenarios: ScenarioTable = () => [
  {
    name: 'end of stream: error with CONNECTING, reconnect after retry: with Last-Event-ID',
    handler: thenReconnect('retry: 100\nid: 41\ndata: first\n\nid: 42\ndata: cut'),
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'first', '41'], ['error', 0], ['open', 1], ['message', 1, 'again', '41']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, '41']),
    worker: true,
  },
  {
    name: 'the retry: time is kept for every later reconnect (format-field-retry)',
    handler: (_request, response, index) => {
      startStream(response)
      const text = index === 0 ? 'retry: 300\ndata: 0\n\n' : `data: ${index}\n\n`
      // The third connection stays open, so that both runs end on the same event.
      if (index < 2) response.end(text)
      else response.write(text)
    },
    plan: { stopAfter: 8 },
    expected: [['open', 1], ['message', 1, '0', ''], ['error', 0], ['open', 1], ['message', 1, '1', ''], ['error', 0], ['open', 1], ['message', 1, '2', '']],
    serverSaw: (requests) => {
      const gaps = requests.slice(1).map((request, i) => request.time - requests[i]!.time)
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(290)
    },
  },
  {
    name: 'an empty id resets the last event ID: no Last-Event-ID on reconnect',
    handler: thenReconnect('retry: 50\nid: 1\ndata: a\n\nid\ndata: b\n\n'),
    plan: { stopAfter: 6 },
    expected: [['open', 1], ['message', 1, 'a', '1'], ['message', 1, 'b', ''], ['error', 0], ['open', 1], ['message', 1, 'again', '']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, undefined]),
  },
  {
    name: 'an id-only block sets the Last-Event-ID of the reconnect',
    handler: thenReconnect('retry: 50\nid: 77\n\n'),
    plan: { stopAfter: 4 },
    expected: [['open', 1], ['error', 0], ['open', 1], ['message', 1, 'again', '77']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, '77']),
  },
  {
    name: 'an id with NUL is ignored (format-field-id-null)',
    handler: thenReconnect('retry: 50\nid: 1\ndata: a\n\nid: 2\u0000\ndata: b\n\n'),
    plan: { stopAfter: 6 },
    expected: [['open', 1], ['message', 1, 'a', '1'], ['message', 1, 'b', '1'], ['error', 0], ['open', 1], ['message', 1, 'again', '1']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, '1']),
  },
  {
    name: 'a non-ASCII id is sent back as UTF-8 (format-field-id)',
    handler: thenReconnect('retry: 50\nid: caf\u00e9 \u2026\ndata: a\n\n'),
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'a', 'caf\u00e9 \u2026'], ['error', 0], ['open', 1], ['message', 1, 'again', 'caf\u00e9 \u2026']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, 'caf\u00e9 \u2026']),
  },
  {
    name: 'the connection drops mid-event: reconnect with the last dispatched id',
    handler: (request, response, index) => {
      startStream(response)
      if (index === 0) response.write('retry: 50\nid: 1\ndata: kept\n\nid: 2\ndata: lost', () => setTimeout(() => request.socket.destroy(), 20))
      else response.write('data: after\n\n')
    },
    plan: { stopAfter: 5 },
    expected: [['open', 1], ['message', 1, 'kept', '1'], ['error', 0], ['open', 1], ['message', 1, 'after', '1']],
    serverSaw: (requests) => expect(lastEventIds(requests)).toEqual([undefined, '1']),
    worker: true,
  },
  {
    name: 'the connection is reset before any response: error with CONNECTING, then a reconnect',
    handler: (request, response, index) => {
      if (index === 0) return void request.socket.destroy()
      startStream(response)
      response.write('data: second try\n\n')
    },
    // The first reconnect waits the default 3 s: nothing has set a retry: yet.
    plan: { stopAfter: 3 },
    expected: [['error', 0], ['open', 1], ['message', 1, 'second try', '']],
  },
  {
    name: 'a reconnect answered with 204 fails the connection',
    handler: (_request, response, index) => {
      if (index > 0) return void response.writeHead(204).end()
      startStream(response)
      response.end('retry: 50\ndata: a\n\n')
    },
    plan: { stopAfter: 4, settleMs: 200 },
    expected: [['open', 1], ['message', 1, 'a', ''], ['error', 0], ['error', 2]],
  },
  {
    name: 'close() inside onopen: nothing more, not even the events of the first chunk (eventsource-close)',
    handler: streamText('data: 1\n\n'),
    plan: { stopAfter: 1, settleMs: 200, closeOnEvent: 0 },
    expected: [['open', 1]],
  },
  {
    name: 'close() inside onmessage: nothing more is dispatched; twice is harmless',
    handler: streamText('data: 1\n\ndata: 2\n\ndata: 3\n\n'),
    plan: { stopAfter: 2, settleMs: 200, closeOnEvent: 1 },
    expected: [['open', 1], ['message', 1, '1', '']],
    worker: true,
  },
  {
    name: 'close() inside onerror stops the reconnect (eventsource-close)',
    handler: thenReconnect('retry: 50\ndata: a\n\n'),
    plan: { stopAfter: 3, settleMs: 300, closeOnEvent: 2 },
    expected: [['open', 1], ['message', 1, 'a', ''], ['error', 0]],
    serverSaw: (requests) => expect(requests).toHaveLength(1),
  },
  {
    name: 'close() right after the constructor: no event at all',
    handler: streamText('data: never\n\n'),
    plan: { stopAfter: 0, settleMs: 300, closeAtOnce: true },
    expected: [],
  },
  {
    name: 'window.stop() aborts the stream: error and CLOSED, no reconnect (eventsource-request-cancellation)',
    handler: streamText('retry: 50\ndata: 1\n\n'),
    plan: { stopAfter: 3, settleMs: 300, stopWindowOnEvent: 1 },
    expected: [['open', 1], ['message', 1, '1', ''], ['error', 2]],
    difference: {
      kind: 'known difference',
      reason: 'Chromium rejects fetch after window.stop() with the same TypeError as a network error, so ours reconnects (over XHR, abort tells them apart)',
      transport: 'fetch',
      polyfill: [['open', 1], ['message', 1, '1', ''], ['error', 0], ['open', 1], ['message', 1, '1', '']],
    },
  },
] satisfies Scenario[]
