export { EventSource, EventSource as EventSourcePolyfill, type EventSourceConstructor } from './public'
export { DEFAULT_RECONNECTION_TIME } from './event-source'
export type { EventSourceEventMap, ErrorEventLike, NamedEvents } from './event-source'
export { DEFAULT_MAX_EVENT_SIZE } from './options'
export type { EventSourceOptions, HeadersContext, HeadersFunction } from './options'
export { EventSourceErrorEvent } from './events'
export type { ErrorDetails, EventSourceLike } from './events'
export { createParser, ParseError } from './parser'
export type { Parser, ParserOptions, ParsedEvent } from './parser'
export type { HeadersInit } from './connection/request'
export { backoff } from './policies/backoff'
export { messages, MAX_QUEUED_EVENTS } from './iterate'
export type { BackoffOptions } from './policies/backoff'
export type { ConnectionFailure, FailureHistory, ReconnectionControl, ReconnectionDecision, ReconnectionPolicy } from './policies/types'
export type { FetchLike, FetchLikeResponse, ReaderLike, RequestBody, Transport, TransportResponse } from './transports/types'

/** The platform's own EventSource (captured before `sse-polyfill/auto` could install ours), or undefined. */
export const NativeEventSource: typeof globalThis.EventSource | undefined = globalThis.EventSource
