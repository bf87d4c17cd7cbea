/**
 * A real HTTP server on loopback whose routes each test scripts, recording every request it receives.
 * It never keeps the process alive (unref) and close() drops every open connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  /** The query string, with its `?`, or ''. */
  search: string
  headers: IncomingMessage['headers']
  /** Raw header bytes as latin1, decoded back to UTF-8 (Last-Event-ID carries UTF-8 bytes). */
  lastEventId: string | undefined
  time: number
}

/** `index` counts the requests this route has received before this one. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, index: number) => void

export interface TestServer {
  origin: string
  url(path: string): string
  requests: RecordedRequest[]
  requestsTo(path: string): RecordedRequest[]
  /** Serves a path, or every path below one given as `/prefix/*`; `index` counts per full path. */
  route(path: string, handler: RouteHandler): void
  /** The server's own open sockets (they count among the process's active handles too). */
  openConnections(): number
  /** Ends every open connection (a response the client left open included). */
  dropConnections(): void
  close(): Promise<void>
}

/**
 * Listens on an ephemeral port unless one is given (to restart a server where it was). `urlHost` names
 * the host in its URLs: `localhost` for a server on 127.0.0.1 that a browser must see as another site.
 * Without `keepAlive`, every response closes its connection.
 */
export async function startServer(host = '127.0.0.1', port = 0, urlHost = host, { keepAlive = true } = {}): Promise<TestServer> {
  const routes = new Map<string, RouteHandler>()
  const requests: RecordedRequest[] = []
  const server = createServer((request, response) => {
    const { pathname: path, search } = new URL(request.url ?? '/', 'http://host')
    const raw = request.headers['last-event-id'] as string | undefined
    requests.push({
      method: request.method ?? '',
      path,
      search,
      headers: request.headers,
      lastEventId: raw === undefined ? undefined : Buffer.from(raw, 'latin1').toString('utf8'),
      time: performance.now(),
    })
    // Without keep-alive, a browser cannot retry a reset request on another pooled connection unseen.
    if (!keepAlive) response.setHeader('Connection', 'close')
    const handler = routes.get(path) ?? [...routes].find(([route]) => route.endsWith('/*') && path.startsWith(route.slice(0, -1)))?.[1]
    if (!handler) {
      response.writeHead(404).end()
      return
    }
    handler(request, response, requests.filter((r) => r.path === path).length - 1)
  })
  let openConnections = 0
  server.on('connection', (socket) => {
    openConnections++
    socket.once('close', () => openConnections--)
  })
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  server.unref()
  const origin = `http://${urlHost}:${(server.address() as AddressInfo).port}`
  return {
    origin,
    url: (path) => origin + path,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === new URL(path, origin).pathname),
    route: (path, handler) => void routes.set(path, handler),
    openConnections: () => openConnections,
    dropConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Writes the headers of an event stream, with extra ones (CORS) when given. */
export function startStream(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', ...headers })
  response.flushHeaders()
}

/**
 * Waits until a response that refused a write drains, or closes (the client left), and leaves no
 * listener behind: racing `once(response, 'drain')` against `once(response, 'close')` would leave the
 * loser's listeners (and once's own 'error' listener) at every pause, piling up on a long stream
 * (MaxListenersExceededWarning after ten pauses).
 */
export function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done)
      resolve()
    }
    response.on('drain', done).on('close', done)
  })
}

/** A route that sends the text and ends the stream. */
export function sendAndEnd(text: string): RouteHandler {
  return (_request, response) => {
    startStream(response)
    response.end(text)
  }
}
