/**
 * Not in the spec: the seam between the EventSource and what decides how it reconnects. Native
 * EventSource reconnects after the reconnection time when a stream ends or the network fails, and
 * closes on anything else; a policy can decide otherwise, or watch for moments to reconnect early.
 */
import type { ErrorDetails, EventSourceLike } from '../events'
import type { TransportResponse } from '../transports/types'

/** A connection that ended or failed, as a stream source reports it. */
export interface ConnectionFailure extends ErrorDetails {
  /** What native EventSource does: reconnect after the reconnection time (true), or close. */
  reconnects: boolean
  /** The response, where the failure was one (a retry policy reads Retry-After). */
  response?: TransportResponse
  /**
   * The stream ended as the server meant it to: a 204, the end of the body with `reconnectOnEnd: false`,
   * the end of a given stream. Closing on it is no failure: `messages()` ends without throwing.
   */
  clean?: boolean
}

/** What the EventSource knows about the failures in a row, for a policy's decision. */
export interface FailureHistory {
  /** Failed attempts in a row since the last `open`, this one included: 1 for the first. */
  failures: number
  /** The spec's reconnection time: 3000 ms, or the server's `retry:`. */
  reconnectionTime: number
  /** The HTTP status the attempt before this one failed with, if any. */
  previousStatus: number | undefined
}

/**
 * `reconnectIn`: wait that many milliseconds, then reconnect (the `error` event says so); `restart`:
 * connect again at once, firing no event; `close`: fail the connection, the sentence telling why.
 */
export type ReconnectionDecision = { reconnectIn: number } | { restart: true } | { close: string }

/** What a policy's `watch` may read and do while the source lives. */
export interface ReconnectionControl {
  /** The EventSource, to listen to. */
  source: EventSourceLike
  /** Waiting out the reconnection time after a failure the server did not time (no status, no Retry-After). */
  waiting(): boolean
  /** Silent for longer than heartbeatTimeout, its timer not run yet (timers run late in a hidden page). */
  overdue(): boolean
  /** Drops the connection, or the wait for the next one, and connects again at once, firing no event. */
  restart(): void
  /** Ends a silent connection as heartbeatTimeout would, and reconnects at once. */
  expire(): void
}

export interface ReconnectionPolicy {
  /** Asked, in the order the policies are given, until one decides; none deciding is the native rule. */
  decide?(failure: ConnectionFailure, history: FailureHistory): ReconnectionDecision | undefined
  /**
   * Called once, at construction, once the first connection attempt has started: it listens (to the
   * source, the page) and acts later, never during this call. It stops when `closed` aborts. `options`
   * are the source's, as given, its defaults filled in.
   */
  watch?(control: ReconnectionControl, closed: AbortSignal, options: WatchedOptions): void
}

/**
 * What a policy may read of the source's options (EventSourceOptions, which imports this module's
 * types, so only the part policies read is named here).
 */
export interface WatchedOptions {
  readonly headers?: unknown
}

// Types only: marks the policies that call the headers function again, for the constructor's options.
declare const needsHeadersFunction: unique symbol

/**
 * A policy that retries with fresh headers by calling the headers function again (refreshOnAuthError):
 * the EventSource's options then need a headers function, since static headers would be sent unchanged.
 */
export interface HeadersFunctionPolicy extends ReconnectionPolicy {
  readonly [needsHeadersFunction]?: true
}

/** Any policy but a HeadersFunctionPolicy: what static headers (or none) go with. */
export interface StaticHeadersPolicy extends ReconnectionPolicy {
  readonly [needsHeadersFunction]?: never
}
