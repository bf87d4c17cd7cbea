/**
 * Types only: the globals that the script-tag build (`global.ts`) defines. tsup emits them as
 * `dist/global.d.cts`, the types of `sse-polyfill/global`, so that a page using the script tag can write
 * `/// <reference types="sse-polyfill/global" />`. Keep in step with `global.ts`. (Deriving the type from
 * the object there would declare that object here too, as an export the package does not have.)
 */
import type { EventSource, messages, NativeEventSource } from './index'
import type { backoff, debugLogger, refreshOnAuthError, wakeUp } from './policies/index'
import type { fetchOrXhr, xhr } from './xhr'

// Declared outside `declare global`, where the globals of the same names would shadow the imports.
/** The script tag's namespace: the core and every opt-in module. */
interface SSEPolyfillNamespace {
  EventSource: typeof EventSource
  EventSourcePolyfill: typeof EventSource
  /** The browser's own EventSource, as the script tag found it (undefined where there is none). */
  NativeEventSource: typeof NativeEventSource
  messages: typeof messages
  backoff: typeof backoff
  refreshOnAuthError: typeof refreshOnAuthError
  wakeUp: typeof wakeUp
  debugLogger: typeof debugLogger
  xhr: typeof xhr
  fetchOrXhr: typeof fetchOrXhr
}

declare global {
  var SSEPolyfill: SSEPolyfillNamespace
  /** `SSEPolyfill.EventSource`, under event-source-polyfill's name. */
  var EventSourcePolyfill: SSEPolyfillNamespace['EventSource']
  /** The browser's own EventSource, as the script tag found it (undefined where there is none). */
  var NativeEventSource: SSEPolyfillNamespace['NativeEventSource']
}

export {}
