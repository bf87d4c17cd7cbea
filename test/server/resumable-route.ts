/**
 * A stream of numbered events that resumes after the Last-Event-ID it is sent: `total` events in all,
 * each `id: n` plus `data` of about `size` characters, written as fast as the client reads them; then
 * it stays open. Each event's data starts with its number, so a client can check that every event came
 * exactly once, in order.
 */
import type { RouteHandler } from './sse-server'
import { drainedOrClosed, startStream } from './sse-server'

export function resumableStream(total: number, size = 100, headers: Record<string, string> = {}): RouteHandler {
  const padding = 'x'.repeat(size)
  return async (request, response) => {
    startStream(response, headers)
    let next = Number(request.headers['last-event-id'] ?? 0) + 1
    while (next <= total && !response.destroyed) {
      let batch = ''
      for (const end = Math.min(next + 199, total); next <= end; next++) batch += `id: ${next}\ndata: ${next} ${padding}\n\n`
      if (!response.write(batch)) await drainedOrClosed(response)
    }
  }
}
