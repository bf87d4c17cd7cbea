/**
 * The soak in Chromium: our script-tag build receives a long stream through one connection; the page's
 * heap, sampled after a full garbage collection with nothing in flight, must stay flat. `npm test`
 * streams 200,000 events; `npm run soak` streams 1,000,000 (SSE_SOAK_EVENTS).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { soakStream } from '../server/soak-route'
import { findChromium, startHarness } from './harness'

const EVENTS = Number(process.env.SSE_SOAK_EVENTS ?? 200_000)
const SAMPLES = 10
const HEAP_BOUND = 2 * 1024 * 1024

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')
const harness = chromiumPath ? await startHarness() : undefined

interface SoakPage {
  SSEPolyfill: { EventSource: typeof EventSource }
  soak?: { source: EventSource; received: number; inOrder: boolean }
}

describe.skipIf(!harness)('[non-spec] soak in Chromium', () => {
  if (!harness) return
  afterAll(() => harness.close())

  it(`keeps the page's heap flat over ${EVENTS} events on one connection`, async () => {
    const soak = soakStream(EVENTS, SAMPLES)
    harness.page.route('/soak', soak.handler)
    await harness.evaluate((url) => {
      const page = globalThis as unknown as SoakPage
      const state = { source: new page.SSEPolyfill.EventSource(url), received: 0, inOrder: true }
      state.source.onmessage = (event) => {
        if (Number(event.lastEventId) !== ++state.received) state.inOrder = false
      }
      page.soak = state
    }, harness.page.url('/soak'))
    const received = () => harness.evaluate(() => (globalThis as unknown as SoakPage).soak!.received, undefined)
    const samples: number[] = []
    for (let sample = 0; sample < SAMPLES; sample++) {
      while ((await received()) < (sample + 1) * soak.perSample) await new Promise((resolve) => setTimeout(resolve, 20))
      samples.push(await harness.heapAfterGC())
      soak.sampled(sample)
    }
    const { count, inOrder } = await harness.evaluate(() => {
      const { soak } = globalThis as unknown as SoakPage
      soak!.source.close()
      return { count: soak!.received, inOrder: soak!.inOrder }
    }, undefined)
    const growth = Math.max(...samples) - samples[0]!
    console.log(`soak (Chromium): ${count} events, page heap after GC ${samples.map((s) => (s / 2 ** 20).toFixed(2)).join(' / ')} MiB, growth ${(growth / 2 ** 20).toFixed(2)} MiB (bound ${HEAP_BOUND / 2 ** 20} MiB)`)
    expect(inOrder).toBe(true)
    expect(count).toBe(EVENTS)
    expect(growth).toBeLessThan(HEAP_BOUND)
  }, 600_000)
})
