/**
 * Event streams on a loopback server, one path per test, counting the responses open at each moment
 * (what "one connection" means to a server), for the adapter tests. The page is put on the server's
 * origin, so the streams are same-origin (no CORS preflight).
 */
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startServer, type TestServer } from '../server/sse-server'

export interface CountedStream {
  url: string
  /** Responses still open. */
  open(): number
  /** Every request the server received for it. */
  requests(): TestServer['requests']
  /** Writes to every open response. */
  send(text: string): void
}

/** Starts the server for a test file; returns a maker of new streams and the server. */
export function countedStreams(): { newStream(): CountedStream; server(): TestServer } {
  let server: TestServer
  const open = new Map<string, Set<ServerResponse>>()
  let paths = 0
  beforeAll(async () => {
    server = await startServer()
    ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(server.url('/'))
    server.route('/streams/*', (request, response) => {
      const path = request.url!.split('?')[0]!
      const streams = open.get(path) ?? new Set()
      open.set(path, streams.add(response))
      response.on('close', () => streams.delete(response))
      response.writeHead(200, { 'Content-Type': 'text/event-stream' }).write('retry: 50\n\n')
    })
  })
  afterEach(() => server.dropConnections())
  afterAll(() => server.close())
  return {
    server: () => server,
    newStream() {
      const path = `/streams/${++paths}`
      return {
        url: server.url(path),
        open: () => open.get(path)?.size ?? 0,
        requests: () => server.requestsTo(path),
        send: (text) => open.get(path)?.forEach((response) => response.write(text)),
      }
    },
  }
}
