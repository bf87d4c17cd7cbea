/**
 * Script-tag entry: defines `SSEPolyfill` and, for pages migrating from event-source-polyfill, the globals
 * `EventSourcePolyfill` and `NativeEventSource`. A native `EventSource` is never replaced.
 */
import { backoff, EventSource, EventSourcePolyfill, NativeEventSource } from './index'

const scope = globalThis as Record<string, unknown>
scope.SSEPolyfill = { EventSource, EventSourcePolyfill, NativeEventSource, backoff }
scope.EventSourcePolyfill = EventSourcePolyfill
scope.NativeEventSource = NativeEventSource
