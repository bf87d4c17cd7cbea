/**
 * An msw route whose event stream each test drives by hand, recording every request it receives.
 * (msw's own `sse()` helper needs a native EventSource, so this is a plain `http.get`.)
 */
import { http, HttpResponse } from 'msw'

export interface MockConnection {
  request: Request
  /** Sends text (encoded as UTF-8) or raw bytes. */
  send(chunk: string | Uint8Array): void
  /** Ends the body normally. */
  end(): void
  /** Errors the body, as a dropped connection does. */
  fail(): void
  /** Resolves when the client cancels the body (close(), a reconnect, a timeout). */
  cancelled: Promise<void>
}

export interface SSERoute {
  handler: ReturnType<typeof http.get>
  connections: MockConnection[]
  /** Resolves with the next connection (the first one not yet returned by this method). */
  nextConnection(): Promise<MockConnection>
}

type Respond = (request: Request, index: number) => Response | undefined

const encoder = new TextEncoder()

/** `respond` may return a whole Response for a given request (a 404, a redirect); otherwise a stream. */
export function sseRoute(url: string, respond?: Respond, headers: Record<string, string> = { 'Content-Type': 'text/event-stream' }): SSERoute {
  const connections: MockConnection[] = []
  const waiting: Array<(connection: MockConnection) => void> = []
  let returned = 0

  const handler = http.get(url, ({ request }) => {
    const custom = respond?.(request, connections.length)
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let onCancel!: () => void
    const cancelled = new Promise<void>((resolve) => (onCancel = resolve))
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      cancel: () => onCancel(),
    })
    const connection: MockConnection = {
      request,
      send: (chunk) => controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
      end: () => controller.close(),
      fail: () => controller.error(new TypeError('connection reset')),
      cancelled,
    }
    request.signal.addEventListener('abort', () => onCancel())
    connections.push(connection)
    waiting.shift()?.(connection)
    return custom ?? new HttpResponse(body, { status: 200, headers })
  })

  function nextConnection(): Promise<MockConnection> {
    const index = returned++
    const existing = connections[index]
    if (existing) return Promise.resolve(existing)
    return new Promise((resolve) => waiting.push(resolve))
  }

  return { handler, connections, nextConnection }
}
