/**
 * Fault injection over real HTTP on loopback. The server numbers its events, replays from Last-Event-ID,
 * and ends every connection with a seeded random fault: a drop mid-event, mid-line or inside a UTF-8
 * character (reset or graceful end), a refusal before any response, a close right after the headers, a
 * stall (the inactivity timeout ends it), a slow drip, a burst, or a server restart. Across at least
 * 1,000 faults every event must arrive exactly once and in order, and every reconnect must carry the id
 * of the last event delivered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { EventSource } from '../src/index'
import { seededRandom } from './helpers/chunking'
import { startServer, startStream } from './server/sse-server'

const FAULTS = Number(process.env.SSE_FAULTS ?? 1000)

/** Event n; its text holds multi-byte characters so that cuts land inside them too. */
const eventText = (n: number) => `id: ${n}\nevent: tick\ndata: \u00e9\u2603\ud83d\ude00 ${n}\ndata: ${'z'.repeat(n % 7)}\n\n`

type Fault = 'drop' | 'end' | 'refuse' | 'close-after-headers' | 'stall' | 'drip' | 'burst' | 'restart'

describe('[non-spec] fault injection', () => {
  it(`delivers every event exactly once, in order, across ${FAULTS} faults`, async () => {
    const random = seededRandom(2026)
    let server = await startServer()
    const port = Number(new URL(server.origin).port)
    let delivered = 0
    let faults = 0
    const seen: Record<Fault, number> = { drop: 0, end: 0, refuse: 0, 'close-after-headers': 0, stall: 0, drip: 0, burst: 0, restart: 0 }
    let cutInsideCharacter = 0
    const problems: string[] = []

    const pickFault = (): Fault => {
      const r = random()
      if (r < 0.05) return 'refuse'
      if (r < 0.1) return 'close-after-headers'
      if (r < 0.11) return 'stall'
      if (r < 0.14) return 'drip'
      if (r < 0.17) return 'burst'
      if (r < 0.172) return 'restart'
      return r < 0.6 ? 'drop' : 'end'
    }

    const handle = (request: IncomingMessage, response: ServerResponse, index: number) => {
      // Every reconnect must carry the id of the last event delivered (none before the first).
      const expected = delivered === 0 ? undefined : String(delivered)
      if (request.headers['last-event-id'] !== expected) problems.push(`request ${index}: Last-Event-ID ${request.headers['last-event-id']}, expected ${expected}`)
      if (faults >= FAULTS) return startStream(response)
      const fault: Fault = index === 0 ? 'drop' : pickFault()
      faults++
      seen[fault]++
      if (fault === 'refuse') return void request.socket.destroy()
      startStream(response)
      // The first bytes set a 1 ms reconnection time, so a thousand reconnects take seconds.
      response.write('retry: 1\n\n')
      if (fault === 'close-after-headers') return void request.socket.destroy()
      const from = delivered + 1
      const count = fault === 'burst' ? 500 : 1 + Math.floor(random() * 6)
      const bytes = Buffer.from(Array.from({ length: count }, (_, i) => eventText(from + i)).join(''))
      if (fault === 'stall') return void response.write(bytes)
      // Cut anywhere in the bytes: at an event boundary, mid-line, or inside a character.
      const cut = Math.floor(random() * bytes.length)
      if ((bytes[cut]! & 0xc0) === 0x80) cutInsideCharacter++
      const sent = bytes.subarray(0, cut)
      const finish = () => {
        if (fault === 'end') return void response.end()
        if (fault === 'restart') return void restart()
        request.socket.destroy()
      }
      if (fault === 'drip') return drip(response, sent, finish)
      response.write(sent, finish)
    }

    const drip = (response: ServerResponse, bytes: Buffer, finish: () => void, offset = 0): void => {
      if (offset >= bytes.length) return finish()
      response.write(bytes.subarray(offset, offset + 1), () => drip(response, bytes, finish, offset + 1))
    }

    // A restart: every connection dropped, the port refusing for a moment, then the server is back.
    const restart = async () => {
      await server.close()
      await new Promise((resolve) => setTimeout(resolve, 20))
      server = await startServer('127.0.0.1', port)
      server.route('/events', handle)
    }

    server.route('/events', handle)
    const source = new EventSource(server.url('/events'), { heartbeatTimeout: 150 })
    let errors = 0
    source.addEventListener('error', () => errors++)
    source.addEventListener('tick', (event) => {
      const id = Number((event as MessageEvent).lastEventId)
      if (id !== delivered + 1) problems.push(`event ${id} after ${delivered}`)
      if (!(event as MessageEvent).data.startsWith(`\u00e9\u2603\ud83d\ude00 ${id}`)) problems.push(`event ${id} data ${(event as MessageEvent).data}`)
      delivered = id
    })

    const started = Date.now()
    while (faults < FAULTS && problems.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    source.close()
    await server.close()
    console.log(`fault injection: ${faults} faults ${JSON.stringify(seen)}, ${cutInsideCharacter} cuts inside a character, ${errors} error events, ${delivered} events delivered in order, ${Date.now() - started} ms`)

    expect(problems).toEqual([])
    expect(faults).toBeGreaterThanOrEqual(FAULTS)
    expect(delivered).toBeGreaterThan(FAULTS)
    expect(cutInsideCharacter).toBeGreaterThan(0)
    for (const fault of Object.keys(seen) as Fault[]) expect(seen[fault], fault).toBeGreaterThan(0)
  }, 120_000)
})
