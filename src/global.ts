/**
 * Script-tag entry: defines `SSEPolyfill`, with every opt-in module, and, for pages migrating from
 * event-source-polyfill, the globals `EventSourcePolyfill` and `NativeEventSource`. A native
 * `EventSource` is never replaced.
 */
import { EventSource, EventSourcePolyfill, messages, NativeEventSource } from './index'
import { backoff, debugLogger, refreshOnAuthError, wakeUp } from './policies/index'
import { fetchOrXhr, xhr } from './xhr'

const scope = globalThis as Record<string, unknown>
scope.SSEPolyfill = { EventSource, EventSourcePolyfill, NativeEventSource, messages, backoff, refreshOnAuthError, wakeUp, debugLogger, xhr, fetchOrXhr }
scope.EventSourcePolyfill = EventSourcePolyfill
scope.NativeEventSource = NativeEventSource
