/**
 * One holder's view of a shared EventSource (see registry.ts): an EventTarget that gets a copy of each
 * event the source dispatches, of the types it listens to, while it is open. Its `close()` lets go of
 * the source without closing it for the other views.
 */
import { closedSignals, failures } from './closed'
import { createEventHandlers } from './event-handler'
import { createMessageEvent, EventSourceErrorEvent, type EventSourceLike } from './events'
import type { EventSource, ErrorEventLike } from './event-source'
import { reportListenerError } from './report-error'

type Handler<E extends Event> = ((this: EventSourceLike, event: E) => unknown) | null

/** What a view offers: the EventSource's members, with `close()` closing the view only. */
export interface SourceView extends EventSourceLike {
  readonly CONNECTING: 0
  readonly OPEN: 1
  readonly CLOSED: 2
  /** The shared source's, or CLOSED once this view is closed. */
  readonly readyState: 0 | 1 | 2
  readonly lastEventId: string
  readonly reconnectionTime: number
  onopen: Handler<Event>
  onmessage: Handler<MessageEvent<string>>
  onerror: Handler<ErrorEventLike>
  /** Reconnects the shared source, for every view (see EventSource's reconnect()). */
  reconnect(): void
}

export function createSourceView(source: EventSource, onClose: () => void): SourceView {
  return new View(source, onClose)
}

class View extends EventTarget implements SourceView {
  readonly #source: EventSource
  readonly #onClose: () => void
  readonly #handlers = createEventHandlers(this)
  // Aborted by close(): removes the view's listeners on the source.
  readonly #closed = new AbortController()
  // Aborted when this view or the source closes (a fatal error, whose event still reaches the view).
  readonly #ended = new AbortController()
  readonly #forwarded = new Set<string>()

  constructor(source: EventSource, onClose: () => void) {
    super()
    this.#source = source
    this.#onClose = onClose
    // For messages(), which ends its loop when the view or the source closes.
    closedSignals.set(this, this.#ended.signal)
    const sourceClosed = closedSignals.get(source)!
    const followSource = () => {
      const failure = failures.get(source)
      if (failure) failures.set(this, failure)
      this.#ended.abort()
    }
    if (sourceClosed.aborted) followSource()
    else sourceClosed.addEventListener('abort', followSource, { signal: this.#closed.signal })
  }

  get CONNECTING(): 0 {
    return 0
  }

  get OPEN(): 1 {
    return 1
  }

  get CLOSED(): 2 {
    return 2
  }

  get url(): string {
    return this.#source.url
  }

  get withCredentials(): boolean {
    return this.#source.withCredentials
  }

  get readyState(): 0 | 1 | 2 {
    return this.#open ? this.#source.readyState : 2
  }

  get lastEventId(): string {
    return this.#source.lastEventId
  }

  get reconnectionTime(): number {
    return this.#source.reconnectionTime
  }

  get onopen(): Handler<Event> {
    return this.#handlers.get('open') as Handler<Event>
  }
  set onopen(value: Handler<Event>) {
    this.#handlers.set('open', value)
  }

  get onmessage(): Handler<MessageEvent<string>> {
    return this.#handlers.get('message') as Handler<MessageEvent<string>>
  }
  set onmessage(value: Handler<MessageEvent<string>>) {
    this.#handlers.set('message', value)
  }

  get onerror(): Handler<ErrorEventLike> {
    return this.#handlers.get('error') as Handler<ErrorEventLike>
  }
  set onerror(value: Handler<ErrorEventLike>) {
    this.#handlers.set('error', value)
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, listener, options)
    if (this.#forwarded.has(type) || !this.#open) return
    this.#forwarded.add(type)
    // An event is dispatched once: each view gets a copy, as the source dispatches it (so with the
    // source's readyState during it).
    // A listener that throws is reported, and the other views still get the event (dispatchEvent
    // rethrows in some environments: happy-dom, EventTarget polyfills).
    const forward = (event: Event): void => {
      try {
        this.dispatchEvent(copy(event))
      } catch (error) {
        reportListenerError(error)
      }
    }
    this.#source.addEventListener(type, forward, { signal: this.#closed.signal })
  }

  reconnect(): void {
    if (this.#open) this.#source.reconnect()
  }

  close(): void {
    if (!this.#open) return
    this.#closed.abort()
    this.#ended.abort()
    this.#onClose()
  }

  get #open(): boolean {
    return !this.#closed.signal.aborted
  }
}

function copy(event: Event): Event {
  if (event instanceof MessageEvent) return createMessageEvent(event.type, event.data as string, event.origin, event.lastEventId)
  if (event instanceof EventSourceErrorEvent) return new EventSourceErrorEvent(event)
  return new Event(event.type)
}
