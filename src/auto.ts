/** Side-effect entry: installs the polyfill as `globalThis.EventSource` where the platform has none. */
import { EventSource } from './index'

if (typeof globalThis.EventSource === 'undefined') {
  ;(globalThis as { EventSource?: unknown }).EventSource = EventSource
}

export * from './index'
