/**
 * A long stream through one connection, in Node over loopback HTTP: the heap, sampled after garbage
 * collection as the events go by, must stay flat. `npm test` streams 200,000 events; `npm run soak`
 * streams 1,000,000 (SSE_SOAK_EVENTS sets the count).
 */
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { EventSource } from '../src/index'
import { settledHeap } from './helpers/gc'
import { startServer, startStream } from './server/sse-server'

const EVENTS = Number(process.env.SSE_SOAK_EVENTS ?? 200_000)
const SAMPLES = 10
// What "flat" means here: the heap after GC may move by at most this much between the first sample and any later one.
const HEAP_BOUND = 2 * 1024 * 1024

describe('[non-spec] soak', () => {
  it(`keeps the heap flat over ${EVENTS} events on one connection`, async () => {
    const perSample = EVENTS / SAMPLES
    // The server pauses after each share of the events until the client has sampled the heap, so that
    // every sample is taken with nothing in flight.
    const sampled = Array.from({ length: SAMPLES }, () => deferred())
    const server = await startServer()
    server.route('/soak', async (_request, response) => {
      startStream(response)
      for (let sample = 0, next = 1; sample < SAMPLES; sample++) {
        while (next <= (sample + 1) * perSample) {
          let batch = ''
          for (const end = Math.min(next + 999, (sample + 1) * perSample); next <= end; next++) batch += `id: ${next}\ndata: {"n":${next},"text":"caf\u00e9 \u2603"}\n\n`
          if (!response.write(batch)) await once(response, 'drain')
        }
        await sampled[sample]!.promise
      }
    })
    const source = new EventSource(server.url('/soak'))
    const samples: number[] = []
    let received = 0
    let inOrder = true
    source.onmessage = (event) => {
      if (Number(event.lastEventId) !== ++received) inOrder = false
      if (received % perSample === 0) void settledHeap().then((heap) => sampled[samples.push(heap) - 1]!.resolve())
    }
    await sampled[SAMPLES - 1]!.promise
    source.close()
    await server.close()
    const growth = Math.max(...samples) - samples[0]!
    console.log(`soak: ${received} events, heap after GC ${samples.map((s) => (s / 2 ** 20).toFixed(1)).join(' / ')} MiB, growth ${(growth / 2 ** 20).toFixed(2)} MiB (bound ${HEAP_BOUND / 2 ** 20} MiB)`)
    expect(inOrder).toBe(true)
    expect(received).toBe(EVENTS)
    expect(growth).toBeLessThan(HEAP_BOUND)
  }, 300_000)
})

/** A promise and its resolve (Promise.withResolvers needs Node 22). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}
