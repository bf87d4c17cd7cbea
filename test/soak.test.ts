/**
 * A long stream through one connection, in Node over loopback HTTP: the heap, sampled after garbage
 * collection as the events go by, must stay flat. `npm test` streams 200,000 events; `npm run soak`
 * streams 1,000,000 (SSE_SOAK_EVENTS sets the count). test/browser/soak.test.ts does the same in Chromium.
 */
import { describe, expect, it } from 'vitest'
import { EventSource } from '../src/index'
import { settledHeap } from './helpers/gc'
import { soakStream } from './server/soak-route'
import { startServer } from './server/sse-server'

const EVENTS = Number(process.env.SSE_SOAK_EVENTS ?? 200_000)
const SAMPLES = 10
// What "flat" means here: the heap after GC may grow by at most this much from the first sample to any later one.
const HEAP_BOUND = 2 * 1024 * 1024

describe('[non-spec] soak', () => {
  it(`keeps the heap flat over ${EVENTS} events on one connection`, async () => {
    const soak = soakStream(EVENTS, SAMPLES)
    const server = await startServer()
    server.route('/soak', soak.handler)
    const source = new EventSource(server.url('/soak'))
    const samples: number[] = []
    let received = 0
    let inOrder = true
    const done = new Promise<void>((resolve) => {
      source.onmessage = (event) => {
        if (Number(event.lastEventId) !== ++received) inOrder = false
        if (received % soak.perSample !== 0) return
        void settledHeap().then((heap) => {
          soak.sampled(samples.push(heap) - 1)
          if (samples.length === SAMPLES) resolve()
        })
      }
    })
    await done
    source.close()
    await server.close()
    const growth = Math.max(...samples) - samples[0]!
    console.log(`soak (Node): ${received} events, heap after GC ${samples.map((s) => (s / 2 ** 20).toFixed(1)).join(' / ')} MiB, growth ${(growth / 2 ** 20).toFixed(2)} MiB (bound ${HEAP_BOUND / 2 ** 20} MiB)`)
    expect(inOrder).toBe(true)
    expect(received).toBe(EVENTS)
    expect(growth).toBeLessThan(HEAP_BOUND)
  }, 300_000)

  it('keeps no chunk alive while it waits for the next one', async () => {
    // One chunk of 4 MiB (64 events of 64 KiB), then silence: neither its bytes nor its text may stay
    // reachable while the source waits.
    const chunk = new TextEncoder().encode(`data: ${'x'.repeat(65_536)}\n\n`.repeat(64))
    const body = () => {
      let served = false
      const pull = (controller: ReadableStreamDefaultController<Uint8Array>) => (served ? new Promise<void>(() => {}) : ((served = true), controller.enqueue(chunk.slice())))
      return new ReadableStream({ pull }, { highWaterMark: 0 })
    }
    const quietSource = async () => {
      const source = new EventSource('http://sse.test/quiet', { fetch: async () => new Response(body(), { headers: { 'Content-Type': 'text/event-stream' } }) })
      let received = 0
      await new Promise<void>((resolve) => (source.onmessage = () => ++received === 64 && resolve()))
      return source
    }
    const retained = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed
    // A first run, so that what the code itself allocates once (compiled code, caches) is not counted.
    ;(await quietSource()).close()
    const source = await quietSource()
    // What closing the waiting source frees: little, unless it held the chunk.
    const holding = await settledHeap().then(retained)
    source.close()
    const released = holding - (await settledHeap().then(retained))
    console.log(`after a 4 MiB chunk, the waiting source held ${(released / 2 ** 20).toFixed(2)} MiB`)
    expect(released).toBeLessThan(512 * 1024)
  })
})
