/**
 * A long stream through one connection, in Node over loopback HTTP: the heap, sampled after garbage
 * collection as the events go by, must stay flat. `npm test` streams 200,000 events; `npm run soak`
 * streams 1,000,000 (SSE_SOAK_EVENTS sets the count). test/browser/soak.test.ts does the same in Chromium.
 */
import { describe, expect, it } from 'vitest'
import { createParser, EventSource, type ParsedEvent, type Parser } from '../src/index'
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

  it.each([
    ['64 events of 64 KiB', `data: ${'x'.repeat(65_536)}\n\n`.repeat(64), 64],
  ])('keeps no chunk alive while it waits for the next one: %s', async (_, text, events) => {
    // One chunk of about 4 MiB, then silence: neither its bytes nor its text may stay reachable, though
    // the source keeps the last event ID and the listener keeps the last event's data.
    const chunk = new TextEncoder().encode(text)
    const body = () => {
      let served = false
      const pull = (controller: ReadableStreamDefaultController<Uint8Array>) => (served ? new Promise<void>(() => {}) : ((served = true), controller.enqueue(chunk.slice())))
      return new ReadableStream({ pull }, { highWaterMark: 0 })
    }
    let kept = ''
    const quietSource = async () => {
      const source = new EventSource('http://sse.test/quiet', { fetch: async () => new Response(body(), { headers: { 'Content-Type': 'text/event-stream' } }) })
      let received = 0
      await new Promise<void>((resolve) => (source.onmessage = (event) => ((kept = event.data), ++received === events && resolve())))
      return source
    }
    const retained = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed
    // A first run, so that what the code itself allocates once (compiled code, caches) is not counted.
    ;(await quietSource()).close()
    const source = await quietSource()
    // What closing the source and dropping the kept data frees: little, unless they held the chunk.
    const holding = await settledHeap().then(retained)
    source.close()
    const keptLength = kept.length
    kept = ''
    const released = holding - (await settledHeap().then(retained))
    console.log(`after a ${(chunk.byteLength / 2 ** 20).toFixed(1)} MiB chunk: ${(released / 2 ** 20).toFixed(2)} MiB held by the waiting source and ${keptLength} kept characters`)
    expect(released).toBeLessThan(512 * 1024)
  })

  it('hands out ids and data that do not keep the chunk alive', async () => {
    // 4 MiB of events with ids and data long enough that a slice of the chunk could be a view of it. The
    // text is decoded whole (Node's streaming decoder happens to make slices copies; others need not).
    const chunk = Array.from({ length: 50_000 }, (_, i) => `id: ${String(i).padStart(36, '0')}\nevent: notification.created\ndata: {"n":${i},"text":"hello, world"}\n\n`).join('')
    let text: string | undefined = new TextDecoder().decode(new TextEncoder().encode(chunk))
    let kept: ParsedEvent | undefined
    let lastEventId = ''
    let parser: Parser | undefined = createParser({ onEvent: (event) => (kept = event), onLastEventId: (id) => (lastEventId = id) })
    parser.feed(text)
    text = undefined
    const retained = () => process.memoryUsage().heapUsed
    // What dropping the last event, the last id and the parser frees: little, unless they held the text.
    const holding = await settledHeap().then(retained)
    const keptLength = kept!.data.length + kept!.type.length + lastEventId.length
    kept = parser = undefined
    lastEventId = ''
    const released = holding - (await settledHeap().then(retained))
    console.log(`after a ${(chunk.length / 2 ** 20).toFixed(1)} MiB chunk: ${(released / 2 ** 20).toFixed(2)} MiB held by the parser and ${keptLength} kept characters`)
    expect(released).toBeLessThan(512 * 1024)
  })
})
