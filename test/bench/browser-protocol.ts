/** What the benchmark server and its page tell each other (types only, shared by both sides). */

/** The EventSources compared; fetch-event-source is callback-only, a reference row. */
export const IMPLEMENTATIONS = ['native', 'ours', 'eventsource', 'event-source-polyfill', 'fetch-event-source'] as const

/**
 * Also measured for memory only: event-source-polyfill loaded while `fetch` is hidden, so that it falls
 * back to XMLHttpRequest, whose responseText keeps the whole stream.
 */
export const XHR_VARIANT = 'event-source-polyfill-xhr'

export type Implementation = (typeof IMPLEMENTATIONS)[number] | typeof XHR_VARIANT

/**
 * small: many small events; large: 64 KiB events; split: 64 KiB events in 16 KiB pieces; latency: timed
 * events; memory: a ~300 MB stream.
 */
export type Scenario = 'small' | 'large' | 'split' | 'latency' | 'memory'

/** One measured run, embedded in its page. */
export interface Plan {
  id: number
  implementation: Implementation
  scenario: Scenario
  streamUrl: string
  /** The message events the stream holds, and the sum of their data lengths: anything else fails the run. */
  events: number
  dataChars: number
  /** The size of the stream, for the report. */
  bytes: number
  timeoutMs: number
}

/** What the page posts back at the end of a run. */
export interface PageResult {
  /** Set when the run failed; the other fields are then meaningless. */
  error?: string
  /** From creating the EventSource to the end event, in milliseconds. */
  wallMs: number
  events: number
  dataChars: number
  /** latency: arrival − send time of each event, in milliseconds (epoch clocks on both sides). */
  latenciesMs?: number[]
  /** memory: performance.memory.usedJSHeapSize after gc(), before the stream and at its end. */
  heapBefore?: number
  heapAfter?: number
}

/** The named event that ends every stream: `data` is not counted. */
export const DONE_EVENT = 'done'
