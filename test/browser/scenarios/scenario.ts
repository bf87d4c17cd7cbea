/** What a side-by-side scenario says, and the helpers scenario tables share. */
import type { ServerResponse } from 'node:http'
import type { RecordedRequest, RouteHandler } from '../../server/sse-server'
import { startStream } from '../../server/sse-server'
import type { ClientPlan, Harness, Implementation, TraceEvent } from '../harness'

/** A trace in short form: [type, readyState, data?, lastEventId?]. */
export type Summary = Array<string | number>

export interface Scenario {
  name: string
  /** Where the stream is served: the page's origin (default), another origin of the same site, or another site. */
  server?: 'page' | 'cross' | 'crossSite'
  /** Serves the stream; absent for a scenario that opens `url` instead. */
  handler?: RouteHandler
  url?: string
  plan: ClientPlan
  /** What native must produce (ours must then produce the same). */
  expected?: Summary[]
  /** Checks on what the server saw from one run's requests. */
  serverSaw?: (requests: RecordedRequest[], implementation: Implementation) => void
  /**
   * Where ours deliberately differs from native, and the trace ours gives instead (both are asserted):
   * Chromium contradicts the spec and ours follows the spec, or ours cannot see what native sees.
   */
  difference?: Difference
  /** The stream requests differ by design (serverSaw says how), so they are not compared with native's. */
  serverViewDiffers?: boolean
  /** Also run in a dedicated worker. */
  worker?: boolean
}

export interface Difference {
  kind: 'chromium contradicts the spec' | 'known difference'
  reason: string
  polyfill: Summary[]
  /** Only ours over this transport differs (`xhr`: the `xhr` implementation; `fetch`: the others). */
  transport?: 'fetch' | 'xhr'
}

/** The difference that applies to this implementation of ours, if any. */
export function differenceFor(scenario: Scenario, implementation: Implementation): Difference | undefined {
  const { difference } = scenario
  if (!difference?.transport) return difference
  return (difference.transport === 'xhr') === (implementation === 'xhr') ? difference : undefined
}

/** Scenario tables are built per harness: handlers need its origins. */
export type ScenarioTable = (harness: Harness) => Scenario[]

export function summarize(events: TraceEvent[]): Summary[] {
  return events.map((event) => [event.type, event.readyState, event.data, event.lastEventId].filter((value) => value !== undefined) as Summary)
}

/** CORS response headers allowing the page's origin, with credentials when asked. */
export function corsHeaders(harness: Harness, credentials = false): Record<string, string> {
  return { 'Access-Control-Allow-Origin': harness.page.origin, ...(credentials ? { 'Access-Control-Allow-Credentials': 'true' } : {}) }
}

/** A stream that sends this text and stays open. */
export function streamText(text: string | Uint8Array, headers: Record<string, string> = {}): RouteHandler {
  return (_request, response) => {
    startStream(response, headers)
    response.write(text)
  }
}

/** A stream that sends its bytes a few at a time, with a pause between writes, and stays open. */
export function drip(bytes: Uint8Array, size = 3, headers: Record<string, string> = {}): RouteHandler {
  return (_request, response) => {
    startStream(response, headers)
    writeSlowly(response, bytes, size)
  }
}

function writeSlowly(response: ServerResponse, bytes: Uint8Array, size: number, offset = 0): void {
  if (offset >= bytes.length || response.destroyed) return
  response.write(bytes.subarray(offset, offset + size))
  setTimeout(() => writeSlowly(response, bytes, size, offset + size), 2)
}
