import type { SSERequest } from '../request'

/** What the EventSource reads of a response before its body (a fetch Response has it). */
export interface TransportResponse {
  status: number
  statusText: string
  /** Still readable once the connection is aborted (a retry policy reads Retry-After then). */
  headers: { get(name: string): string | null }
}

/**
 * Why a request failed: `network` (the spec reestablishes the connection), or, where retrying cannot
 * help and the spec fails the connection, `aborted` (by the user agent or the user, not by us: step
 * 15.1) or `cors` (the server answered, CORS refused the response: step 15.2).
 */
export type FailureKind = 'network' | 'aborted' | 'cors'

/**
 * A transport calls onResponse once, then onChunk any number of times, then onEnd or onError; or, when
 * the request fails before any response, onError alone.
 */
export interface TransportHandlers {
  /** `url` is the final URL, after redirects. */
  onResponse(response: TransportResponse, url: string): void
  /** The next piece of the body, decoded as UTF-8 (stream mode, one leading BOM dropped). */
  onChunk(text: string): void
  /** The body ended normally. */
  onEnd(): void
  /** The request or the body failed. Never called after abort(). */
  onError(error: unknown, kind: FailureKind): void
}

export interface Connection {
  /** Stops the request and the body; no handler is called afterwards. */
  abort(): void
  /**
   * The characters of this response the transport holds, where it keeps them all (XHR's
   * `responseText`): past a limit, the EventSource renews the request where the stream can resume.
   */
  readonly received?: number
}

/** Sends one request and streams its response to the handlers. */
export type Transport = (request: SSERequest, handlers: TransportHandlers) => Connection
