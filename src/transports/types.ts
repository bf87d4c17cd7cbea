/**
 * What a transport is given and what it reports: one request, its response, the body's text. A
 * transport knows nothing of events or of the EventSource.
 */

/** Not in the spec: a request body, for APIs that stream their answer to a POST. */
export type RequestBody = string | FormData | URLSearchParams | Blob

/** What a transport needs to send one request. */
export interface SSERequest {
  url: string
  /** `GET`, as the spec's; not in the spec: another method, with a body. */
  method: string
  body?: RequestBody
  /** Header names in lower case, as `Headers` gives them. */
  headers: Record<string, string>
  /** `'include'` when `withCredentials` is true, else `'same-origin'` (spec constructor steps 7-8). */
  credentials: 'include' | 'same-origin'
  /** Not in the spec: keep custom headers when a redirect leads to another origin (see EventSourceOptions). */
  forwardHeadersOnCrossOriginRedirect: boolean
  /** Not in the spec: the query parameter this request added for the last event ID, if any. */
  lastEventIdQueryParameter?: string
  /** Not in the spec: whether a network error may be probed for a CORS refusal (see `cors.ts`). */
  corsProbe?: boolean
}

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
  /**
   * Not in the spec: replace this request with a new one that resumes from the last event ID, firing
   * no event (XHR renews a response that grew too long this way).
   */
  renew(): void
}

/** One request under way. */
export interface Connection {
  /** Stops the request and the body; no handler is called afterwards. */
  abort(): void
  /** The parser dispatched an event from this response (XHR tracks where the stream can resume). */
  onEvent?(): void
  /** A blank line committed a new last event ID, after that block's event. */
  onLastEventId?(lastEventId: string): void
}

/** Sends one request and streams its response to the handlers. */
export type Transport = (request: SSERequest, handlers: TransportHandlers) => Connection

/** The part of `fetch` the transports use, so tests, Node and interceptors can pass their own. */
export type FetchLike = (
  url: string,
  init: {
    method: string
    body?: RequestBody
    headers: Record<string, string>
    credentials: 'include' | 'same-origin'
    cache: 'no-store'
    mode: 'cors' | 'no-cors'
    redirect: 'follow' | 'manual'
    signal: AbortSignal
  },
) => Promise<FetchLikeResponse>

export interface FetchLikeResponse {
  /** `'opaque'` for a cross-origin `no-cors` answer; other values are not read. */
  type?: string
  status: number
  statusText: string
  url: string
  headers: { get(name: string): string | null }
  body: { getReader(): ReaderLike } | null
}

export interface ReaderLike {
  read(): Promise<{ done: true; value?: unknown } | { done: false; value: Uint8Array }>
  cancel(): Promise<void>
}
