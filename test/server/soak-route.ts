/**
 * A long stream for soak tests: `events` numbered events, written as fast as the client reads them,
 * pausing after each of `samples` equal shares until the test has sampled the heap, so that every
 * sample is taken with nothing in flight.
 */
import { once } from 'node:events'
import type { RouteHandler } from './sse-server'
import { startStream } from './sse-server'

export interface SoakStream {
  handler: RouteHandler
  perSample: number
  /** Lets the server go on after the sample taken at the end of share `index`. */
  sampled(index: number): void
}

export function soakStream(events: number, samples: number): SoakStream {
  const perSample = events / samples
  const gates = Array.from({ length: samples }, () => {
    let open!: () => void
    const opened = new Promise<void>((resolve) => (open = resolve))
    return { opened, open }
  })
  const handler: RouteHandler = async (_request, response) => {
    startStream(response)
    for (let sample = 0, next = 1; sample < samples; sample++) {
      while (next <= (sample + 1) * perSample) {
        let batch = ''
        for (const end = Math.min(next + 999, (sample + 1) * perSample); next <= end; next++) batch += `id: ${next}\ndata: {"n":${next},"text":"caf\u00e9 \u2603"}\n\n`
        if (!response.write(batch)) await once(response, 'drain')
      }
      await gates[sample]!.opened
    }
  }
  return { handler, perSample, sampled: (index) => gates[index]!.open() }
}
