/**
 * The constructor's options, and their normalised form with every default, read once.
 */
import type { HeadersInit } from './connection/request'
import type { ReconnectionPolicy, StaticHeadersPolicy } from './policies/types'
import { defaultTransport } from './transports/default'
import type { FetchLike, RequestBody, Transport } from './transports/types'

/** Not in the spec: how many characters an event may hold while it is received, unless set otherwise (16 Mi). */
export const DEFAULT_MAX_EVENT_SIZE = 2 ** 24

export interface EventSourceOptions {
  /** As native: send cookies and HTTP auth cross-origin (fetch credentials "include"). */
  withCredentials?: boolean
  /**
   * Not in the spec: headers for every request. A function is called on every connect and reconnect
   * (and may return a promise), so a refreshed token is used; it gets a HeadersContext. A value that is
   * null or undefined sends no header.
   */
  headers?: HeadersInit | HeadersFunction
  /**
   * Not in the spec: whether the end of a response's body reconnects, as native does (true, the
   * default). False closes the source there instead, with an `error` event ("The server ended the
   * stream. EventSource does not retry."), for streams that answer once (a POST to an LLM API).
   */
  reconnectOnEnd?: boolean
  /** Not in the spec: the request method, `GET` when absent (for APIs that stream the answer to a POST). */
  method?: string
  /**
   * Not in the spec: the request body, sent again with every reconnect (with Last-Event-ID). A function
   * is called for each attempt. A string goes as `text/plain` unless a Content-Type header says otherwise.
   */
  body?: RequestBody | (() => RequestBody | Promise<RequestBody>)
  /**
   * Not in the spec: milliseconds without any byte received (comments count) after which the connection
   * is dropped and reestablished. Off when absent or 0, as native.
   */
  heartbeatTimeout?: number
  /** Not in the spec: also send the last event ID as this query parameter on reconnect. */
  lastEventIdQueryParameterName?: string
  /**
   * Not in the spec: the most characters (UTF-16 code units) that one line, or an event's data, type and
   * id together, may hold while received; past it the connection fails. DEFAULT_MAX_EVENT_SIZE when absent.
   */
  maxEventSize?: number
  /**
   * Not in the spec: send custom headers (Authorization included) to another origin a redirect leads
   * to, and on the reconnects that then go straight there. Off by default: custom headers go only to the
   * origin of the URL given, so a redirect cannot hand a token to another server. In browsers, the other
   * origin must still allow each header in its CORS preflight.
   */
  forwardHeadersOnCrossOriginRedirect?: boolean
  /** The fetch implementation to use; `globalThis.fetch` at each connect by default. */
  fetch?: FetchLike
  /**
   * Not in the spec: what carries the stream. Fetch by default (the `fetch` option's, if given); `xhr()`
   * or `fetchOrXhr()` from `sse-polyfill/xhr` for XMLHttpRequest. The React Native and script-tag builds
   * default to `fetchOrXhr()`: XMLHttpRequest where fetch cannot stream a response body.
   */
  transport?: Transport
  /**
   * Not in the spec: what decides how to reconnect, asked in order, e.g. `[refreshOnAuthError(),
   * backoff({ maxAttempts: 10 }), wakeUp(), debugLogger()]` from `sse-polyfill/policies`. Absent: as
   * native.
   */
  policies?: ReconnectionPolicy[]
  /** Not in the spec: aborting it closes the source, as close() does. */
  signal?: AbortSignal
}

/** The `headers` option as a function: called before every connection attempt. */
export type HeadersFunction = (context: HeadersContext) => HeadersInit | Promise<HeadersInit>

/**
 * The options the constructor takes: EventSourceOptions, but refreshOnAuthError() (a
 * HeadersFunctionPolicy) requires a headers function. An options object typed EventSourceOptions still
 * goes (the policy then warns at run time if need be).
 */
export type CheckedOptions = OptionsWithHeadersFunction | OptionsWithStaticHeaders

interface OptionsWithHeadersFunction extends EventSourceOptions {
  headers: HeadersFunction
}

interface OptionsWithStaticHeaders extends EventSourceOptions {
  // `| []` makes an array literal a tuple, whose elements keep their own types: in an array type they
  // would merge into ReconnectionPolicy, refreshOnAuthError()'s mark lost.
  policies?: StaticHeadersPolicy[] | []
}

/** What a headers function is told about the connection attempt it is called for. */
export interface HeadersContext {
  /** Connection attempts this source has made, this one included: 1 for the first. */
  attempt: number
  /** The HTTP status the previous attempt failed with (401 when refreshOnAuthError retries), if any. */
  status: number | undefined
  /** Aborted when this attempt is abandoned: close(), heartbeatTimeout. */
  signal: AbortSignal
}

/** The options with their defaults, as the EventSource and its connection read them. */
export interface Settings extends EventSourceOptions {
  withCredentials: boolean
  /** Milliseconds; 0 is off. */
  heartbeatTimeout: number
  maxEventSize: number
  transport: Transport
  policies: ReconnectionPolicy[]
}

export function normaliseOptions(options: EventSourceOptions | null | undefined): Settings {
  // A copy: changing the object later does not change the source.
  const { withCredentials, heartbeatTimeout = 0, maxEventSize = DEFAULT_MAX_EVENT_SIZE, transport, fetch, policies = [] } = { ...options }
  return {
    ...options,
    withCredentials: Boolean(withCredentials),
    heartbeatTimeout: heartbeatTimeout > 0 ? heartbeatTimeout : 0,
    maxEventSize,
    transport: transport ?? defaultTransport(fetch),
    policies: [...policies],
  }
}
