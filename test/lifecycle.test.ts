/**
 * Nothing outlives close(): no timer, socket or request stays active, and a closed source can be
 * garbage collected. Many sources at once each get their own stream.
 */
import { describe, expect, it } from 'vitest'
import { EventSource } from '../src/index'
import { eventually, trace } from './helpers/events'
import { gc } from './helpers/gc'
import { startServer, startStream } from './server/sse-server'

/** Active handles by type (Timeout, TCPSocketWrap, …), as Node counts them. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

describe('[non-spec] after close()', () => {
  it('leaves no timer, socket or request of its own, with streams open and reconnects pending', async () => {
    const server = await startServer()
    server.route('/life', (_request, response, index) => {
      // No keep-alive: a finished response's socket would stay in fetch's pool, which is not ours.
      startStream(response, { Connection: 'close' })
      // Some connections end (a reconnect timer is then pending), others stay open (the inactivity timer runs).
      if (index % 2 === 0) response.end('retry: 60000\ndata: x\n\n')
      else response.write('data: y\n\n')
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    const before = activeResources()
    const sources = Array.from({ length: 20 }, () => new EventSource(server.url('/life'), { heartbeatTimeout: 60_000, headers: async () => ({ Authorization: 'Bearer x' }) }))
    const traces = sources.map((source) => trace(source))
    await eventually(() => traces.every((events) => events.length >= 2))
    expect(activeResources().Timeout ?? 0).toBeGreaterThan(before.Timeout ?? 0)
    for (const source of sources) source.close()
    // The client's sockets: the process's, less the in-process server's own side.
    const clientSockets = () => (activeResources().TCPSocketWrap ?? 0) - server.openConnections()
    const settled = () => (activeResources().Timeout ?? 0) <= (before.Timeout ?? 0) && clientSockets() <= (before.TCPSocketWrap ?? 0)
    await eventually(settled, 2000).catch(() => {})
    expect(activeResources().Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0)
    expect(clientSockets()).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0)
    await server.close()
  })

  it('lets a closed source be garbage collected, with its transport and parser', async () => {
    const server = await startServer()
    server.route('/gc', (_request, response) => {
      startStream(response)
      response.write('data: x\n\n')
    })
    let source: EventSource | undefined = new EventSource(server.url('/gc'), { heartbeatTimeout: 60_000 })
    const events = trace(source)
    await eventually(() => events.length === 2)
    const ref = new WeakRef(source)
    source.close()
    source = undefined
    await eventually(() => {
      gc()
      return ref.deref() === undefined
    })
    expect(ref.deref()).toBeUndefined()
    await server.close()
  })
})

describe('[non-spec] many sources at once', () => {
  it('gives 200 sources on one server each its own stream, then closes them all', async () => {
    const server = await startServer()
    server.route('/many', (request, response) => {
      startStream(response)
      response.write(`data: ${new URL(request.url!, 'http://x').searchParams.get('n')}\n\n`)
    })
    const sources = Array.from({ length: 200 }, (_, n) => new EventSource(server.url(`/many?n=${n}`)))
    const received = sources.map(() => [] as string[])
    sources.forEach((source, n) => (source.onmessage = (event) => received[n]!.push(event.data)))
    await eventually(() => received.every((data) => data.length === 1), 10_000)
    expect(received.map((data, n) => data[0] === String(n)).every(Boolean)).toBe(true)
    for (const source of sources) source.close()
    expect(sources.every((source) => source.readyState === EventSource.CLOSED)).toBe(true)
    await server.close()
  }, 20_000)
})
