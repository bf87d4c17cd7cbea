export { EventSource, DEFAULT_RECONNECTION_TIME, DEFAULT_MAX_EVENT_SIZE, DEFAULT_XHR_RESPONSE_LIMIT } from './event-source'
export type { EventSourceOptions, EventSourceEventMap, EventSourceLike, ErrorEventLike, HeadersContext, Logger, NamedEvents } from './event-source'
export { EventSourceErrorEvent } from './events'
export type { ErrorDetails } from './events'
export { createParser, ParseError } from './parser'
export type { Parser, ParserOptions, ParsedEvent } from './parser'
export type { HeadersInit, RequestBody } from './request'
export { backoff } from './retry-policy'
export type { BackoffOptions, RetryPolicy } from './retry-policy'
export type { FetchLike, FetchLikeResponse, ReaderLike } from './transports/fetch'
export type { TransportName } from './transports/select'
export { EventSource as EventSourcePolyfill } from './event-source'

/** The platform's own EventSource (captured before `sse-polyfill/auto` could install ours), or undefined. */
export const NativeEventSource: typeof globalThis.EventSource | undefined = globalThis.EventSource
