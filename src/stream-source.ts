/**
 * The seam between the EventSource and what feeds it: an HTTP connection attempt after another
 * (`connection/http-source.ts`), or a given ReadableStream (`streams/readable-stream-source.ts`).
 */
import type { ConnectionFailure } from './policies/types'

/** What a stream source tells the EventSource. */
export interface StreamSink {
  /**
   * A stream begins: the parser starts afresh. Returns the last event ID to resume from; the first
   * call seeds it with `seed` (a custom Last-Event-ID header) where given.
   */
  begin(seed?: string | null): string
  /** The response is an event stream: announce the connection (unless it is already open). */
  open(origin: string): void
  /** The next piece of the stream's text. */
  chunk(text: string): void
  /** The stream ended or failed; `reconnects` says what native EventSource does next. */
  fail(failure: ConnectionFailure): void
  /** Connect again at once, firing no event. */
  restart(): void
}

/** What the EventSource asks of a stream source. */
export interface StreamSource {
  /** Starts a connection attempt; `previousStatus` is the HTTP status the attempt before failed with. */
  connect(previousStatus: number | undefined): void
  /** Stops the attempt: nothing is reported afterwards. */
  stop(): void
  /** Whether the stream has been silent for longer than heartbeatTimeout already. */
  overdue?(): boolean
  /** The parser dispatched an event. */
  onEvent?(): void
  /** A blank line committed a new last event ID, after that block's event. */
  onLastEventId?(lastEventId: string): void
}
