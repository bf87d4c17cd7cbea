/**
 * [non-spec] Streams that end: `reconnectOnEnd: false` for streams that answer once (a POST to an LLM
 * API), over fetch and over XHR, and `messages()` ending without throwing where the server ended the
 * stream on purpose (that option, a 204, the end of a given stream). Against a loopback server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventSource, messages, type EventSourceOptions } from '../src/index'
import { xhr } from '../src/xhr'
import { eventually, trace } from './helpers/events'
import { reactNativeXhr } from './helpers/react-native-xhr'
import { useSources } from './helpers/sources'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
  // An answer in two events, then the end of the response; `retry: 10` so that a reconnect would show.
  for (const path of ['/answer', '/answer-fetch', '/answer-xhr']) {
    server.route(path, (_request, response) => {
      startStream(response)
      response.end('retry: 10\ndata: Hello\n\ndata: world\n\n')
    })
  }
})
afterAll(() => server.close())
afterEach(() => vi.unstubAllGlobals())
const open = useSources()

const waitLongerThanARetry = () => new Promise((resolve) => setTimeout(resolve, 100))
const POST: EventSourceOptions = { method: 'POST', body: '{"prompt":"hi"}', headers: { 'Content-Type': 'application/json' }, reconnectOnEnd: false }

describe('[non-spec] reconnectOnEnd: false', () => {
  it.each([
    ['fetch', () => undefined],
    ['xhr', () => (vi.stubGlobal('XMLHttpRequest', reactNativeXhr()), xhr())],
  ])('over %s: every event, then one error with CLOSED saying the server ended the stream, and no request after', async (name, transport) => {
    const path = `/answer-${name}`
    const source = open(server.url(path), { ...POST, transport: transport() })
    const events = trace(source)
    await eventually(() => source.readyState === EventSource.CLOSED)
    await waitLongerThanARetry()
    expect(events.map((e) => e.data ?? e.type)).toEqual(['open', 'Hello', 'world', 'error'])
    expect(events[3]).toMatchObject({ readyState: EventSource.CLOSED, message: 'The server ended the stream. EventSource does not retry.' })
    expect(server.requestsTo(path)).toHaveLength(1)
  })

  it('ends a for await loop after every event, without throwing', async () => {
    const received: string[] = []
    for await (const event of messages(open(server.url('/answer'), POST))) received.push(event.data)
    expect(received).toEqual(['Hello', 'world'])
  })

  it('still reconnects after a network error, as native does', async () => {
    let requests = 0
    server.route('/dropped', (_request, response) => {
      if (++requests === 1) return void response.socket?.destroy()
      startStream(response)
      response.end('data: after\n\n')
    })
    const source = open(server.url('/dropped'), { reconnectOnEnd: false })
    const events = trace(source)
    await eventually(() => source.readyState === EventSource.CLOSED, 5000)
    expect(events.map((e) => [e.data ?? e.type, e.readyState])).toEqual([['error', 0], ['open', 1], ['after', 1], ['error', 2]])
  })
})

describe('[non-spec] messages() over a source that the server ended on purpose', () => {
  it('ends without throwing on a 204', async () => {
    server.route('/no-content', (_request, response) => void response.writeHead(204).end())
    const received: unknown[] = []
    for await (const event of messages(open(server.url('/no-content')))) received.push(event)
    expect(received).toEqual([])
  })

  it('ends without throwing at the end of a given stream', async () => {
    const stream = new Response('data: given\n\n').body!
    const received: string[] = []
    for await (const event of messages(EventSource.fromReadableStream(stream))) received.push(event.data)
    expect(received).toEqual(['given'])
  })

  it('still throws where a status other than 204 closes the source', async () => {
    server.route('/gone', (_request, response) => void response.writeHead(410, 'Gone').end())
    await expect(messages(open(server.url('/gone'))).next()).rejects.toThrow('HTTP 410 Gone. EventSource does not retry.')
  })
})
