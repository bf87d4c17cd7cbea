/**
 * The EventSource: the spec's state machine (readyState, the last event ID, the reconnection time),
 * event dispatch and the reconnection timer. What feeds it is a stream source (`stream-source.ts`);
 * what it does when a stream ends or fails is the native rule unless a policy decides otherwise.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model
 */
import { closedSignals, failures } from './closed'
import { httpSource } from './connection/http-source'
import * as diagnostics from './diagnostics'
import { createEventHandlers } from './event-handler'
import { createMessageEvent, EventSourceErrorEvent, type ErrorDetails, type EventSourceLike } from './events'
import { normaliseOptions, type EventSourceOptions } from './options'
import { createParser, type ParsedEvent, type Parser } from './parser'
import type { ConnectionFailure, ReconnectionControl, ReconnectionDecision, ReconnectionPolicy } from './policies/types'
import { reportListenerError } from './report-error'
import type { StreamSink, StreamSource } from './stream-source'
import { readableStreamSource } from './streams/readable-stream-source'
import { MAX_TIMEOUT } from './timers'
import { resolveUrl } from './url'

/** The reconnection time before any `retry:` field, in milliseconds: Chromium's value. */
export const DEFAULT_RECONNECTION_TIME = 3000

/** The events every EventSource dispatches, for `addEventListener` types. */
export interface EventSourceEventMap {
  open: Event
  message: MessageEvent<string>
  error: EventSourceErrorEvent
}

/**
 * An `on*` handler type. Its `this` is structural and `onerror`'s event has its extras optional, so that
 * an instance type-checks wherever the DOM's own `EventSource` is expected.
 */
type EventHandler<E extends Event> = ((this: EventSourceLike, event: E) => unknown) | null

/** The error event as `onerror` is typed; `addEventListener('error')` gets the full `EventSourceErrorEvent`. */
export type ErrorEventLike = Event & Partial<Pick<EventSourceErrorEvent, 'message' | 'status' | 'statusText' | 'error'>>

/**
 * The named events a server sends, to type their listeners: `EventSource<{ notification:
 * MessageEvent<string> }>`. Types only: nothing is checked at run time, and `data` is always a string.
 */
export type NamedEvents<Events> = { [K in keyof Events]: Event }

const CONNECTING = 0
const OPEN = 1
const CLOSED = 2

// fromReadableStream, and a subclass in another module (sse-polyfill/shared), hand the next constructor
// its stream source here: the constructor's own parameters stay those of the IDL.
let givenSource: ((sink: StreamSink) => StreamSource) | undefined

/** The stream source the next EventSource constructed takes, in place of an HTTP connection. */
export function provideSource(createSource: (sink: StreamSink) => StreamSource): void {
  givenSource = createSource
}

export class EventSource<Events extends NamedEvents<Events> = {}> extends EventTarget {
  declare static readonly CONNECTING: 0
  declare static readonly OPEN: 1
  declare static readonly CLOSED: 2
  declare readonly CONNECTING: 0
  declare readonly OPEN: 1
  declare readonly CLOSED: 2

  readonly #url: string
  readonly #withCredentials: boolean
  readonly #source: StreamSource
  readonly #parser: Parser
  readonly #policies: ReconnectionPolicy[]
  #readyState: 0 | 1 | 2 = CONNECTING
  // Undefined until the first connection attempt seeds it (see StreamSink.begin).
  #lastEventId: string | undefined
  #reconnectionTime = DEFAULT_RECONNECTION_TIME
  #origin = ''
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  // Not in the spec, for policies and the headers function: failed attempts since the last open, and
  // the HTTP status the last one failed with.
  #failures = 0
  #failureStatus: number | undefined
  readonly #handlers = createEventHandlers(this)
  // Aborted when the source closes: removes the listeners of the `signal` option and of policies, and
  // ends async iteration (`messages`).
  readonly #closed = new AbortController()

  constructor(url: string | URL, options?: EventSourceOptions | null) {
    super()
    const createSource = givenSource
    givenSource = undefined
    // WebIDL: the url argument is required (an explicit undefined is the string "undefined").
    if (!arguments.length) throw new TypeError('EventSource: 1 argument required')
    // 3-4. Parse url relative to the base URL; on failure throw a "SyntaxError" DOMException.
    this.#url = resolveUrl(url)
    const settings = normaliseOptions(options)
    // 7. If withCredentials is true, set corsAttributeState to Use Credentials.
    this.#withCredentials = settings.withCredentials
    this.#policies = settings.policies
    const { maxEventSize, signal } = settings
    this.#parser = createParser({
      onEvent: (event) => this.#dispatchMessage(event),
      onLastEventId: (lastEventId) => {
        this.#lastEventId = lastEventId
        this.#source.onLastEventId?.(lastEventId)
      },
      onRetry: (milliseconds) => (this.#reconnectionTime = Math.min(milliseconds, MAX_TIMEOUT)),
      maxEventSize,
      // Not in the spec: retrying would receive the same event again, so the connection fails.
      onError: () => this.#fail(diagnostics.eventTooLarge(maxEventSize)),
    })
    const sink: StreamSink = {
      begin: (seed) => {
        const lastEventId = (this.#lastEventId ??= seed ?? '')
        this.#parser.reset(lastEventId)
        return lastEventId
      },
      open: (origin) => this.#announceConnection(origin),
      chunk: (text) => this.#parser.feed(text),
      fail: (failure) => this.#fail(failure),
      restart: () => this.#restart(),
    }
    this.#source = createSource ? createSource(sink) : httpSource(this.#url, settings, sink)
    closedSignals.set(this, this.#closed.signal)
    signal?.addEventListener('abort', () => this.close(), { signal: this.#closed.signal })
    const control: ReconnectionControl = {
      source: this,
      waiting: () => this.#reconnectTimer !== undefined && this.#failureStatus === undefined,
      overdue: () => this.#source.overdue?.() ?? false,
      restart: () => this.reconnect(),
      expire: () => this.#fail(diagnostics.inactivity(settings.heartbeatTimeout), 0),
    }
    // 15. Fetch the request in parallel: no event fires during the constructor. Like Chromium, take
    // http(s) and data: URLs and fail any other (WPT eventsource-constructor-non-same-origin), before
    // a headers function runs.
    if (signal?.aborted) this.close()
    else if (!createSource && !/^(https?|data):/i.test(this.#url)) queueMicrotask(() => this.#fail(diagnostics.scheme(this.#url)))
    // Not in the spec: fetch refuses a URL with credentials (user:password@, before the path of the
    // serialised URL) before any request, so retrying could never succeed.
    else if (/^[^:]+:\/\/[^/]*@/.test(this.#url)) queueMicrotask(() => this.#fail(diagnostics.urlCredentials()))
    else this.#connect()
    for (const policy of this.#policies) policy.watch?.(control, this.#closed.signal, settings)
  }

  /**
   * Experimental (whatwg/html PR #12272): an EventSource that parses the given stream of UTF-8 bytes,
   * with `url` "about:event-stream". It opens at once, never reconnects, and closes with an `error`
   * event at the stream's end; close() cancels the stream. A locked stream throws a TypeError.
   */
  static fromReadableStream(stream: ReadableStream<Uint8Array>): EventSource {
    // Throws the TypeError for a locked stream.
    const reader = stream.getReader()
    givenSource = (sink) => readableStreamSource(reader, sink)
    return new EventSource('about:event-stream')
  }

  get url(): string {
    return this.#url
  }

  get withCredentials(): boolean {
    return this.#withCredentials
  }

  get readyState(): 0 | 1 | 2 {
    return this.#readyState
  }

  /** The last event ID string, sent as Last-Event-ID on reconnect (experimental, whatwg/html PR #12272). */
  get lastEventId(): string {
    return this.#lastEventId ?? ''
  }

  /** The reconnection time in milliseconds: 3000, or the server's `retry:` (experimental, whatwg/html PR #12272). */
  get reconnectionTime(): number {
    return this.#reconnectionTime
  }

  get onopen(): EventHandler<Event> {
    return this.#handlers.get('open') as EventHandler<Event>
  }
  set onopen(value: EventHandler<Event>) {
    this.#handlers.set('open', value)
  }

  get onmessage(): EventHandler<MessageEvent<string>> {
    return this.#handlers.get('message') as EventHandler<MessageEvent<string>>
  }
  set onmessage(value: EventHandler<MessageEvent<string>>) {
    this.#handlers.set('message', value)
  }

  get onerror(): EventHandler<ErrorEventLike> {
    return this.#handlers.get('error') as EventHandler<ErrorEventLike>
  }
  set onerror(value: EventHandler<ErrorEventLike>) {
    this.#handlers.set('error', value)
  }

  /**
   * Experimental (whatwg/html PR #12272): drops what the parser holds that was not dispatched (a partial
   * line, data, an event type), keeping the last event ID and the reconnection time, so that the next
   * stream piped in starts clean.
   */
  reset(): void {
    this.#parser.discard()
  }

  /**
   * Not in the spec: drops the connection, or the wait for the next one, and connects again at once
   * (with Last-Event-ID), firing no `error` event. Does nothing once CLOSED.
   */
  reconnect(): void {
    if (this.#readyState === CLOSED) return
    this.#readyState = CONNECTING
    this.#restart()
  }

  /** Aborts the connection or the pending reconnect and sets CLOSED; no event fires afterwards. */
  close(): void {
    this.#readyState = CLOSED
    this.#stop()
    this.#closed.abort()
  }

  #connect(): void {
    this.#source.connect(this.#failureStatus)
  }

  /** Announce the connection: set readyState to OPEN and fire `open` (unless the stream continues an open one). */
  #announceConnection(origin: string): void {
    this.#origin = origin
    this.#failureStatus = undefined
    if (this.#readyState === OPEN) return
    this.#failures = 0
    this.#readyState = OPEN
    this.#fire(new Event('open'))
  }

  /**
   * The stream ended or failed: the policies decide, in order, else the native rule (reestablish the
   * connection after a network error or the end of the body, fail it after anything else). `delay`
   * overrides the wait of a reconnect (a wake-up's 0).
   */
  #fail(failure: ConnectionFailure, delay?: number): void {
    this.#stop()
    if (this.#readyState === CLOSED) return
    const history = { failures: ++this.#failures, reconnectionTime: this.#reconnectionTime, previousStatus: this.#failureStatus }
    this.#failureStatus = failure.status
    let decision: ReconnectionDecision | undefined
    for (const policy of this.#policies) {
      // A policy that throws is reported as a listener is, and the next one decides.
      try {
        if ((decision = policy.decide?.(failure, history))) break
      } catch (error) {
        reportListenerError(error)
      }
    }
    // A policy may have closed the source.
    if (this.#closed.signal.aborted) return
    decision ??= failure.reconnects ? { reconnectIn: this.#reconnectionTime } : { close: 'EventSource does not retry.' }
    if ('restart' in decision) {
      // A silent retry (a refreshed token) is not a failure in a row.
      this.#failures--
      this.#restart()
    } else if ('close' in decision) this.#failConnection(failure, decision.close)
    else this.#reestablishConnection(failure, delay ?? Math.min(decision.reconnectIn, MAX_TIMEOUT))
  }

  /** Fail the connection: set readyState to CLOSED and fire `error`. No reconnect. */
  #failConnection(details: ConnectionFailure, outcome: string): void {
    this.#readyState = CLOSED
    details.message += ' ' + outcome
    const event = new EventSourceErrorEvent(details)
    if (!details.clean) failures.set(this, event.error)
    this.#closed.abort()
    this.#fire(event)
  }

  /**
   * Reestablish the connection. 1. Set readyState to CONNECTING and fire `error`. 2. Wait `delay` (the
   * reconnection time, unless a policy decided otherwise). 5. If readyState is not CONNECTING, return:
   * close() clears this timer, also from inside the error handler, which is why it is set before firing.
   */
  #reestablishConnection(details: ErrorDetails, delay: number): void {
    this.#readyState = CONNECTING
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      this.#connect()
    }, delay)
    details.message += ` Reconnecting in ${delay} ms.`
    this.#fire(new EventSourceErrorEvent(details))
  }

  /** Not in the spec: connect again at once, firing no event, readyState unchanged. */
  #restart(): void {
    this.#stop()
    this.#connect()
  }

  /** Dispatch the event: a MessageEvent named after the event type, unless the source was closed meanwhile. */
  #dispatchMessage(event: ParsedEvent): void {
    if (this.#readyState === CLOSED) return
    // Dispatch step 1 set the last event ID string before the event fires.
    this.#lastEventId = event.lastEventId
    this.#source.onEvent?.()
    this.#fire(createMessageEvent(event.type, event.data, this.#origin, event.lastEventId))
  }

  /**
   * Dispatches an event. A listener's exception is reported, as browsers do, and never breaks the
   * stream, also where dispatchEvent rethrows it (happy-dom, some EventTarget polyfills).
   */
  #fire(event: Event): void {
    try {
      this.dispatchEvent(event)
    } catch (error) {
      reportListenerError(error)
    }
  }

  /**
   * Stops the stream source and the reconnect timer; pending async work of this connection is dropped,
   * and so is the rest of the text the parser is reading.
   */
  #stop(): void {
    this.#source.stop()
    this.#parser.reset()
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
  }
}

// IDL constants: on the constructor and the prototype, enumerable and read-only (defineProperty's
// default, as is non-configurable), as native.
for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSED', CLOSED]] as const) {
  for (const target of [EventSource, EventSource.prototype]) Object.defineProperty(target, name, { value, enumerable: true })
}
// WebIDL: attributes and operations are enumerable on the prototype (class members are not).
for (const name of ['url', 'withCredentials', 'readyState', 'onopen', 'onmessage', 'onerror', 'close']) {
  Object.defineProperty(EventSource.prototype, name, { enumerable: true })
}

/**
 * Typed listeners for the events every EventSource fires and the named events of its type parameter;
 * other named events are MessageEvents.
 */
export interface EventSource<Events extends NamedEvents<Events> = {}> {
  addEventListener<K extends keyof EventSourceEventMap | (keyof Events & string)>(
    type: K,
    listener: (this: EventSource<Events>, event: (EventSourceEventMap & Events)[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void
  addEventListener(
    type: string,
    listener: (this: EventSource<Events>, event: MessageEvent<string>) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  removeEventListener<K extends keyof EventSourceEventMap | (keyof Events & string)>(
    type: K,
    listener: (this: EventSource<Events>, event: (EventSourceEventMap & Events)[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void
  removeEventListener(
    type: string,
    listener: (this: EventSource<Events>, event: MessageEvent<string>) => unknown,
    options?: boolean | EventListenerOptions,
  ): void
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
}
