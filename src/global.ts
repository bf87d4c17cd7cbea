/**
 * Script-tag entry: defines `SSEPolyfill` and, for pages migrating from event-source-polyfill, the globals
 * `EventSourcePolyfill` and `NativeEventSource`. A native `EventSource` is never replaced.
 */
import { EventSource, EventSourcePolyfill, NativeEventSource } from './index'

const scope = globalThis as Record<string, unknown>
scope.SSEPolyfill = { EventSource, EventSourcePolyfill, NativeEventSource }
scope.EventSourcePolyfill = EventSourcePolyfill
scope.NativeEventSource = NativeEventSource
