/**
 * React Native has no EventTarget, Event nor MessageEvent (it has XMLHttpRequest and fetch). The React
 * Native build (the exports map's "react-native" condition) injects these exports in place of those
 * globals (esbuild `inject`): the platform's own where it has them, else the minimal versions below,
 * which cover what an EventSource's users do with them. No global is defined.
 *
 * @see https://dom.spec.whatwg.org/#interface-eventtarget
 */
import { reportListenerError } from '../report-error'

type Listener = EventListenerOrEventListenerObject
interface Registration {
  listener: Listener
  capture: boolean
  once: boolean
  removed?: boolean
}

class MinimalEvent {
  readonly type: string
  readonly bubbles: boolean
  readonly cancelable: boolean
  readonly timeStamp = Date.now()
  readonly isTrusted = false
  defaultPrevented = false
  target: unknown = null
  currentTarget: unknown = null
  /** Set by stopImmediatePropagation: no further listener is called. */
  stopped = false

  constructor(type: string, init?: EventInit) {
    this.type = String(type)
    this.bubbles = Boolean(init?.bubbles)
    this.cancelable = Boolean(init?.cancelable)
  }

  preventDefault(): void {
    if (this.cancelable) this.defaultPrevented = true
  }

  stopImmediatePropagation(): void {
    this.stopped = true
  }

  // Without a tree there is nowhere to propagate to.
  stopPropagation(): void {}
}

class MinimalMessageEvent extends MinimalEvent {
  readonly data: unknown
  readonly origin: string
  readonly lastEventId: string
  readonly source = null
  readonly ports = []

  constructor(type: string, init?: MessageEventInit) {
    super(type, init)
    this.data = init?.data ?? null
    this.origin = init?.origin ?? ''
    this.lastEventId = init?.lastEventId ?? ''
  }
}

class MinimalEventTarget {
  readonly #listeners = new Map<string, Registration[]>()

  addEventListener(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions): void {
    const { capture = false, once = false, signal } = typeof options === 'object' ? options : { capture: Boolean(options) }
    if (!listener || signal?.aborted) return
    const registrations = this.#listeners.get(type) ?? []
    if (registrations.some((r) => r.listener === listener && r.capture === capture)) return
    registrations.push({ listener, capture, once })
    this.#listeners.set(type, registrations)
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }))
  }

  removeEventListener(type: string, listener: Listener | null, options?: boolean | EventListenerOptions): void {
    const capture = typeof options === 'object' ? Boolean(options.capture) : Boolean(options)
    const registrations = this.#listeners.get(type) ?? []
    const index = registrations.findIndex((r) => r.listener === listener && r.capture === capture)
    if (index === -1) return
    // Marked too, for a dispatch that already took its copy of the list.
    registrations[index]!.removed = true
    registrations.splice(index, 1)
  }

  dispatchEvent(event: MinimalEvent): boolean {
    event.target = event.currentTarget = this
    // Listeners added during the dispatch are not called; removed ones are not either.
    for (const registration of [...(this.#listeners.get(event.type) ?? [])]) {
      if (registration.removed) continue
      if (registration.once) this.removeEventListener(event.type, registration.listener, { capture: registration.capture })
      const { listener } = registration
      try {
        if (typeof listener === 'function') listener.call(this, event as unknown as Event)
        else listener.handleEvent(event as unknown as Event)
      } catch (error) {
        reportListenerError(error)
      }
      if (event.stopped) break
    }
    event.currentTarget = null
    return !event.defaultPrevented
  }
}

/** An Error with the name given, where DOMException is missing (the URL parser's SyntaxError). */
class MinimalDOMException extends Error {
  constructor(message?: string, name = 'Error') {
    super(message)
    this.name = name
  }
}

const scope = globalThis as Partial<typeof globalThis>
const PlatformEventTarget = scope.EventTarget ?? (MinimalEventTarget as unknown as typeof globalThis.EventTarget)
const PlatformEvent = scope.Event ?? (MinimalEvent as unknown as typeof globalThis.Event)
const PlatformMessageEvent = scope.MessageEvent ?? (MinimalMessageEvent as unknown as typeof globalThis.MessageEvent)
const PlatformDOMException = scope.DOMException ?? (MinimalDOMException as unknown as typeof globalThis.DOMException)

export { PlatformEventTarget as EventTarget, PlatformEvent as Event, PlatformMessageEvent as MessageEvent, PlatformDOMException as DOMException }
