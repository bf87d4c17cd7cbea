/**
 * The event streams of the browser benchmark. Payloads are built once and written whole, so the
 * server (on the same two cores as Chromium) spends as little CPU as it can; every stream ends with a
 * `done` event and then stays open, as a live stream would, until the page closes it.
 */
import type { ServerResponse } from 'node:http'
import { drainedOrClosed } from '../server/sse-server'
import { DONE_EVENT, XHR_VARIANT, type Implementation, type Scenario } from './browser-protocol'

export interface StreamSizes {
  smallEvents: number
  largeEvents: number
  /** Characters of data in one large event (a single line). */
  largeEventChars: number
  /** Large events written in pieces of `splitChunkBytes`, one a millisecond. */
  splitEvents: number
  splitChunkBytes: number
  latencyEvents: number
  latencyIntervalMs: number
  memoryEvents: number
  xhrMemoryEvents: number
}

export const DEFAULT_SIZES: StreamSizes = {
  smallEvents: 100_000,
  largeEvents: 1_000,
  largeEventChars: 64 * 1024,
  splitEvents: 500,
  splitChunkBytes: 16 * 1024,
  latencyEvents: 1_000,
  latencyIntervalMs: 5,
  // 4,600 events of 64 KiB: about 300 MB.
  memoryEvents: 4_600,
  // event-source-polyfill on XMLHttpRequest slows down as its responseText grows (about 3,000 of these
  // events in 60 s here): a shorter stream keeps its run bounded.
  xhrMemoryEvents: 1_000,
}

export interface StreamSpec {
  /** Message events before `done`, and the sum of their data lengths. */
  events: number
  dataChars: number
  /** Stream bytes, for the report. */
  bytes: number
  write(response: ServerResponse): Promise<void>
}

const DONE = Buffer.from(`event: ${DONE_EVENT}\ndata: end\n\n`)
// Epoch milliseconds with 3 decimals: 17 characters until the year 2286.
const TIMESTAMP_CHARS = 17

/** Writes with backpressure; gives up quietly once the client has gone. */
async function write(response: ServerResponse, chunk: Buffer | string): Promise<void> {
  if (response.destroyed) return
  if (!response.write(chunk)) await drainedOrClosed(response)
}

export interface Streams {
  /** The stream of a run: the scenario's, but a shorter memory stream for the XHR variant. */
  of(implementation: Implementation, scenario: Scenario): StreamSpec
}

export function createStreams(sizes: StreamSizes): Streams {
  let small = ''
  let smallChars = 0
  for (let n = 1; n <= sizes.smallEvents; n++) {
    const data = `{"n":${n},"text":"hello"}`
    small += `id: ${n}\ndata: ${data}\n\n`
    smallChars += data.length
  }
  const smallBuffer = Buffer.from(small)

  // Without ids, every large event has the same length, so a prefix of whole events is a slice.
  const line = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/'.repeat(Math.ceil(sizes.largeEventChars / 64)).slice(0, sizes.largeEventChars)
  const largeEvent = Buffer.from(`data: ${line}\n\n`)
  const largeBuffer = Buffer.alloc(largeEvent.length * Math.max(sizes.largeEvents, sizes.splitEvents, Math.min(sizes.memoryEvents, 1_000)))
  for (let offset = 0; offset < largeBuffer.length; offset += largeEvent.length) largeEvent.copy(largeBuffer, offset)
  const largeEvents = (count: number) => largeBuffer.subarray(0, count * largeEvent.length)

  const memoryStream = (events: number): StreamSpec => ({
    events,
    dataChars: events * sizes.largeEventChars,
    bytes: events * largeEvent.length,
    async write(response) {
      const perWrite = largeBuffer.length / largeEvent.length
      for (let left = events; left > 0 && !response.destroyed; left -= perWrite) await write(response, largeEvents(Math.min(left, perWrite)))
      await write(response, DONE)
    },
  })

  const byScenario: Record<Scenario, StreamSpec> = {
    small: {
      events: sizes.smallEvents,
      dataChars: smallChars,
      bytes: smallBuffer.length,
      async write(response) {
        await write(response, smallBuffer)
        await write(response, DONE)
      },
    },
    large: {
      events: sizes.largeEvents,
      dataChars: sizes.largeEvents * sizes.largeEventChars,
      bytes: sizes.largeEvents * largeEvent.length,
      async write(response) {
        await write(response, largeEvents(sizes.largeEvents))
        await write(response, DONE)
      },
    },
    split: {
      events: sizes.splitEvents,
      dataChars: sizes.splitEvents * sizes.largeEventChars,
      bytes: sizes.splitEvents * largeEvent.length,
      async write(response) {
        // Written whole, as in `large`, the stream reaches the page in reads of up to 2 MiB, dozens of
        // events each. A server that flushes as it goes sends smaller pieces: one a millisecond is
        // mostly read on its own, so every event arrives in four or five reads.
        response.socket?.setNoDelay(true)
        const stream = largeEvents(sizes.splitEvents)
        for (let offset = 0; offset < stream.length && !response.destroyed; offset += sizes.splitChunkBytes) {
          await write(response, stream.subarray(offset, offset + sizes.splitChunkBytes))
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
        await write(response, DONE)
      },
    },
    memory: memoryStream(sizes.memoryEvents),
    latency: {
      events: sizes.latencyEvents,
      dataChars: sizes.latencyEvents * TIMESTAMP_CHARS,
      bytes: sizes.latencyEvents * (TIMESTAMP_CHARS + 8),
      async write(response) {
        // Each event is written on its own (Nagle off) and carries its send time on the same epoch
        // clock as the page's performance.timeOrigin + performance.now().
        response.socket?.setNoDelay(true)
        const start = performance.now()
        for (let n = 1; n <= sizes.latencyEvents && !response.destroyed; n++) {
          // Scheduled against the start, so timer lateness does not add up.
          const wait = start + n * sizes.latencyIntervalMs - performance.now()
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
          await write(response, `data: ${(performance.timeOrigin + performance.now()).toFixed(3)}\n\n`)
        }
        await write(response, DONE)
      },
    },
  }
  const xhrMemory = memoryStream(sizes.xhrMemoryEvents)
  return { of: (implementation, scenario) => (implementation === XHR_VARIANT && scenario === 'memory' ? xhrMemory : byScenario[scenario]) }
}
