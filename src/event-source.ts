/**
 * A drop-in `EventSource` over `fetch`, following the spec's processing model, plus custom headers,
 * an inactivity timeout and readable error events.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model
 */
import { createParser, type ParsedEvent, type Parser } from './parser'
import { buildRequest, readHeaders, withoutQueryParameter, type HeadersInit, type RequestBody, type SSERequest } from './request'
import { createMessageEvent, EventSourceErrorEvent, type ErrorDetails } from './events'
import { reportListenerError } from './report-error'
import { diagnostics } from './diagnostics'
import { createEventHandlers } from './event-handler'
import { resolveUrl } from './url'
import type { FetchLike } from './transports/fetch'
import { selectTransport, type TransportName } from './transports/select'
import { MAX_TIMEOUT, startInactivityTimer, type InactivityTimer } from './inactivity-timer'
import type { RetryPolicy } from './retry-policy'
import { iterateMessages } from './iterate'
import { listenForWakeUp } from './wake-up'
import type { Connection, FailureKind, Transport, TransportHandlers, TransportResponse } from './transports/types'

/** The reconnection time before any `retry:` field, in milliseconds: Chromium's value. */
export const DEFAULT_RECONNECTION_TIME = 3000

/** Not in the spec: how many characters an event may hold while it is received, unless set otherwise (16 Mi). */
export const DEFAULT_MAX_EVENT_SIZE = 2 ** 24

/** Not in the spec: how many characters XHR's `responseText` may gather before the request is renewed (4 Mi). */
export const DEFAULT_XHR_RESPONSE_LIMIT = 2 ** 22

export interface EventSourceOptions {
  /** As native: send cookies and HTTP auth cross-origin (fetch credentials "include"). */
  withCredentials?: boolean
  /**
   * Not in the spec: headers for every request. A function is called on every connect and reconnect
   * (and may return a promise), so a refreshed token is used; it gets a HeadersContext.
   */
  headers?: HeadersInit | ((context: HeadersContext) => HeadersInit | Promise<HeadersInit>)
  /**
   * Not in the spec: a 401 or 403 response calls the headers function again, its context's `status`
   * telling why, and retries at once, once, instead of failing the connection. No event fires for it;
   * a second 401 or 403 in a row fails the connection as usual. Needs a headers function.
   */
  refreshOnAuthError?: boolean
  /** Not in the spec: the request method, `GET` when absent (for APIs that stream the answer to a POST). */
  method?: string
  /**
   * Not in the spec: the request body, sent again with every reconnect (with Last-Event-ID). A function
   * is called for each attempt. A string goes as `text/plain` unless a Content-Type header says otherwise.
   */
  body?: RequestBody | (() => RequestBody | Promise<RequestBody>)
  /**
   * Not in the spec: which failed responses to retry too, how long to wait after each failure, and
   * when to give up, e.g. `backoff({ maxAttempts: 10 })`. Absent: as native.
   */
  retryPolicy?: RetryPolicy
  /**
   * Not in the spec: milliseconds without any byte received (comments count) after which the connection
   * is dropped and reestablished. Off when absent or 0, as native.
   */
  heartbeatTimeout?: number
  /** Not in the spec: also send the last event ID as this query parameter on reconnect. */
  lastEventIdQueryParameterName?: string
  /**
   * Not in the spec: the most characters (UTF-16 code units) that one line, or an event's data, type and
   * id together, may hold while received; past it the connection fails. DEFAULT_MAX_EVENT_SIZE when absent.
   */
  maxEventSize?: number
  /**
   * Not in the spec: send custom headers (Authorization included) to another origin a redirect leads
   * to, and on the reconnects that then go straight there. Off by default: custom headers go only to the
   * origin of the URL given, so a redirect cannot hand a token to another server. In browsers, the other
   * origin must still allow each header in its CORS preflight.
   */
  forwardHeadersOnCrossOriginRedirect?: boolean
  /** The fetch implementation to use; `globalThis.fetch` at each connect by default. */
  fetch?: FetchLike
  /**
   * Not in the spec: what carries the stream. `auto` (the default) takes fetch where it can stream a
   * response body, or where a `fetch` option is given, and XMLHttpRequest elsewhere (React Native, older
   * browsers). `xhr` throws a TypeError where there is no XMLHttpRequest (service workers, Node).
   */
  transport?: TransportName
  /**
   * Not in the spec: with the XHR transport, how many characters `responseText` (which keeps them all)
   * may gather before the request is renewed, after the read that passed the limit, where the last
   * event read set a new ID (else after a later read), resuming from it: no event fired, none lost,
   * none repeated. On a stream without IDs, or past twice the limit without a new ID, the connection is
   * reestablished instead, with an `error` event, as when a server ends the stream.
   * DEFAULT_XHR_RESPONSE_LIMIT when absent.
   */
  xhrResponseLimit?: number
  /** Not in the spec: aborting it closes the source, as close() does. */
  signal?: AbortSignal
  /**
   * Not in the spec: reconnect at once when the network comes back or the page is visible again (also
   * from the back/forward cache), if the source is waiting to reconnect (unless the server set the
   * wait: a status the retryPolicy retries), or has received nothing for longer than heartbeatTimeout
   * (a hidden page's timers run late). A hidden page keeps its stream.
   */
  wakeUp?: boolean
  /**
   * Not in the spec: where to report what happens. `debug` gets each step (connecting, open, every error
   * event's message, closed); `warn` gets, once, response headers that risk holding events back
   * (Content-Encoding). Absent: warnings go to console.warn and the steps nowhere; `console` logs both.
   */
  logger?: Logger
}

/** What the `logger` option is given; each method is optional. */
export interface Logger {
  debug?(message: string, source: EventSourceLike): void
  warn?(message: string, source: EventSourceLike): void
}

const DEFAULT_LOGGER: Logger = { warn: (message, source) => console.warn(message, source) }

/** What a headers function is told about the connection attempt it is called for. */
export interface HeadersContext {
  /** Connection attempts this source has made, this one included: 1 for the first. */
  attempt: number
  /** The HTTP status the previous attempt failed with (401 when refreshOnAuthError retries), if any. */
  status: number | undefined
  /** Aborted when this attempt is abandoned: close(), heartbeatTimeout. */
  signal: AbortSignal
}

/** The events every EventSource dispatches, for `addEventListener` types. */
export interface EventSourceEventMap {
  open: Event
  message: MessageEvent<string>
  error: EventSourceErrorEvent
}

/** What an `on*` handler gets as `this`: the surface our class and the DOM's EventSource share. */
export interface EventSourceLike extends EventTarget {
  readonly url: string
  readonly readyState: number
  readonly withCredentials: boolean
  close(): void
}

/**
 * An `on*` handler type. Its `this` is structural and `onerror`'s event has its extras optional, so that
 * an instance type-checks wherever the DOM's own `EventSource` is expected.
 */
type EventHandler<E extends Event> = ((this: EventSourceLike, event: E) => unknown) | null

/** The error event as `onerror` is typed; `addEventListener('error')` gets the full `EventSourceErrorEvent`. */
export type ErrorEventLike = Event & Partial<Pick<EventSourceErrorEvent, 'message' | 'status' | 'statusText' | 'error'>>

const CONNECTING = 0
const OPEN = 1
const CLOSED = 2

/**
 * The named events a server sends, to type their listeners: `EventSource<{ notification:
 * MessageEvent<string> }>`. Types only: nothing is checked at run time, and `data` is always a string.
 */
export type NamedEvents<Events> = { [K in keyof Events]: Event }

export class EventSource<Events extends NamedEvents<Events> = {}> extends EventTarget {
  declare static readonly CONNECTING: 0
  declare static readonly OPEN: 1
  declare static readonly CLOSED: 2
  declare readonly CONNECTING: 0
  declare readonly OPEN: 1
  declare readonly CLOSED: 2

  readonly #url: string
  // The request's current URL: after redirects, the last one. Fetch appends each redirect's target to the
  // request's URL list, and reconnecting fetches the same request again, so it starts there (as Chromium does).
  #requestUrl: string
  readonly #withCredentials: boolean
  readonly #options: EventSourceOptions
  readonly #transport: Transport
  readonly #transportHandlers: TransportHandlers
  #readyState: 0 | 1 | 2 = CONNECTING
  // Undefined until the first connect seeds it (see #connect).
  #lastEventId: string | undefined
  // Not in the spec: set when CORS refused the Last-Event-ID header; the id then goes in the query.
  #lastEventIdHeaderRefused = false
  #reconnectionTime = DEFAULT_RECONNECTION_TIME
  #origin = ''
  // The current connection attempt, aborted when it stops: its pending async work (a headers function)
  // is then dropped, and the headers function's signal tells it.
  #attempt: AbortController | undefined
  #attempts = 0
  // Not in the spec: the status the previous attempt failed with, for the headers function.
  #failureStatus: number | undefined
  // Not in the spec: failed attempts since the last open, for retryPolicy.
  #failures = 0
  #request: SSERequest | undefined
  #connection: Connection | undefined
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  #inactivityTimer: InactivityTimer | undefined
  readonly #parser: Parser
  readonly #responseLimit: number
  // Not in the spec, for renewing XHR requests (see #renewIfFull): where the parser stands in this
  // response. `start`: no block completed yet; `resumable`: the last block set a new, non-empty ID, so
  // a request with it as Last-Event-ID receives exactly what comes after; `past`: an event without a
  // new ID came after.
  #position: 'start' | 'resumable' | 'past' = 'start'
  readonly #handlers = createEventHandlers(this)
  // Aborted when the source closes: ends async iteration and removes the listeners on the `signal`
  // option and the wake-up events.
  readonly #closed = new AbortController()
  // The error event that closed the source, where the connection failed (for async iteration).
  #failure: EventSourceErrorEvent | undefined
  readonly #logger: Logger
  #compressionWarned = false

  constructor(url: string | URL, options?: EventSourceOptions | null) {
    super()
    // 3-4. Parse url relative to the base URL; on failure throw a "SyntaxError" DOMException.
    this.#url = this.#requestUrl = resolveUrl(url)
    // A copy: changing the object later does not change this source.
    this.#options = { ...options }
    // 7. If withCredentials is true, set corsAttributeState to Use Credentials.
    this.#withCredentials = Boolean(this.#options.withCredentials)
    const { maxEventSize = DEFAULT_MAX_EVENT_SIZE, xhrResponseLimit = DEFAULT_XHR_RESPONSE_LIMIT } = this.#options
    this.#responseLimit = xhrResponseLimit
    this.#logger = this.#options.logger ?? DEFAULT_LOGGER
    this.#parser = createParser({
      onEvent: (event) => this.#dispatchMessage(event),
      onLastEventId: (lastEventId) => {
        this.#lastEventId = lastEventId
        this.#position = lastEventId === '' ? 'past' : 'resumable'
      },
      onRetry: (milliseconds) => (this.#reconnectionTime = Math.min(milliseconds, MAX_TIMEOUT)),
      maxEventSize,
      // Not in the spec: retrying would receive the same event again, so the connection fails.
      onError: () => this.#failConnection(diagnostics.eventTooLarge(maxEventSize)),
    })
    this.#transport = selectTransport(this.#options)
    this.#transportHandlers = {
      onResponse: (response, url) => this.#processResponse(response, url),
      onChunk: (text) => this.#processChunk(text),
      // 14. processResponseEndOfBody: reestablish the connection (not a failure).
      onEnd: () => this.#reestablishConnection(diagnostics.endOfStream()),
      onError: (error, kind) => this.#processNetworkError(error, kind),
    }
    const { signal, wakeUp } = this.#options
    signal?.addEventListener('abort', () => this.close(), { signal: this.#closed.signal })
    if (wakeUp) listenForWakeUp((reason) => this.#wakeUp(reason), this.#closed.signal)
    // 15. Fetch the request in parallel: no event fires during the constructor. Like Chromium, take
    // http(s) and data: URLs and fail any other (WPT eventsource-constructor-non-same-origin), before
    // a headers function runs.
    if (signal?.aborted) this.close()
    else if (/^(https?|data):/i.test(this.#url)) void this.#connect()
    else queueMicrotask(() => this.#failConnection(diagnostics.scheme(this.#url)))
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
   * Not in the spec: drops the connection, or the wait for the next one, and connects again at once
   * (with Last-Event-ID), firing no `error` event. Does nothing once CLOSED.
   */
  reconnect(): void {
    if (this.#readyState === CLOSED) return
    this.#stopConnection()
    this.#readyState = CONNECTING
    void this.#connect()
  }

  /** Aborts the connection or the pending reconnect and sets CLOSED; no event fires afterwards. */
  close(): void {
    const wasOpen = this.#readyState !== CLOSED
    this.#readyState = CLOSED
    this.#stopConnection()
    this.#closed.abort()
    if (wasOpen) this.#log('Closed.')
  }

  /**
   * Not in the spec: `for await (const event of source)` gets the `message` events until the source
   * closes, then ends; where the connection failed, it throws the error event's `error`. Leaving the
   * loop closes the source. A loop more than 10,000 events behind closes it and throws a RangeError.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<MessageEvent<string>> {
    return iterateMessages(this, this.#closed.signal, () => this.#failure?.error)
  }

  async #connect(): Promise<void> {
    const { signal } = (this.#attempt = new AbortController())
    this.#attempts++
    // Not in the spec: the inactivity timeout also covers a headers function that never settles.
    this.#startInactivityTimer()
    let init: HeadersInit | undefined
    let body: RequestBody | undefined
    try {
      init = await this.#resolveHeaders(signal)
      body = await (typeof this.#options.body === 'function' ? this.#options.body() : this.#options.body)
    } catch (error) {
      if (signal.aborted) return
      return this.#reestablishConnection(diagnostics.requestFunction(error))
    }
    // close() or a timeout while the headers function was pending: its result is discarded.
    if (signal.aborted) return
    // Not in the spec: a header HTTP cannot carry is refused before anything is sent.
    const headers = readHeaders(init)
    if ('invalid' in headers) return this.#failConnection(diagnostics.invalidHeader(headers.invalid))
    // Not in the spec: a custom Last-Event-ID header is how pages resume from an id they stored. It
    // becomes the initial last event ID, which the spec's rules then govern.
    const lastEventId = (this.#lastEventId ??= headers.get('last-event-id') ?? '')
    this.#parser.reset(lastEventId)
    const { lastEventIdQueryParameterName } = this.#options
    try {
      this.#request = buildRequest({
        url: this.#requestUrl,
        headersOrigin: new URL(this.#url).origin,
        withCredentials: this.#withCredentials,
        headers,
        lastEventId,
        lastEventIdHeader: !this.#lastEventIdHeaderRefused,
        lastEventIdQueryParameterName: this.#lastEventIdHeaderRefused ? (lastEventIdQueryParameterName ?? 'lastEventId') : lastEventIdQueryParameterName,
        forwardHeadersOnCrossOriginRedirect: this.#options.forwardHeadersOnCrossOriginRedirect,
        method: this.#options.method,
        body,
      })
      this.#log(`Connecting to ${this.#request.url} (attempt ${this.#attempts}).`)
      this.#connection = this.#transport(this.#request, this.#transportHandlers)
    } catch (error) {
      // Not in the spec: a platform that lacks what the request needs (TextEncoder on an old React
      // Native, say) fails the connection with the reason, rather than leave it CONNECTING for good.
      this.#failConnection(diagnostics.request(error))
    }
  }

  /**
   * Not in the spec: the custom headers, from the function when there is one. Async, so that even a
   * function that throws at once reports it after the constructor has returned.
   */
  async #resolveHeaders(signal: AbortSignal): Promise<HeadersInit | undefined> {
    const { headers } = this.#options
    return typeof headers === 'function' ? headers({ attempt: this.#attempts, status: this.#failureStatus, signal }) : headers
  }

  #processResponse(response: TransportResponse, url: string): void {
    this.#inactivityTimer?.touch()
    const { status, statusText } = response
    const contentType = response.headers.get('content-type')
    // 14. If res's status is not 200, or its Content-Type is not `text/event-stream`, fail the connection.
    if (status !== 200) {
      // Not in the spec (refreshOnAuthError): a 401 or 403 may be a token that expired. Once in a row,
      // the headers function is asked again and the request retried at once, with no event.
      const { refreshOnAuthError, headers } = this.#options
      if (refreshOnAuthError && typeof headers === 'function' && isAuthError(status) && !isAuthError(this.#failureStatus)) {
        this.#log(`HTTP ${status}: calling headers again.`)
        this.#stopConnection()
        this.#failureStatus = status
        return void this.#connect()
      }
      if (this.#options.retryPolicy?.retriesStatus(status)) return this.#reestablishConnection(diagnostics.status(status, statusText), response)
      return this.#failConnection(diagnostics.status(status, statusText))
    }
    if (!isEventStream(contentType)) return this.#failConnection(diagnostics.contentType(contentType, status, statusText))
    // Events carry the origin of the final URL, after redirects. The request's own last event ID
    // parameter is not part of the URL to reconnect to: the next request sets it again, or not.
    this.#requestUrl = withoutQueryParameter(url, this.#request!.lastEventIdQueryParameter)
    this.#origin = new URL(url).origin
    this.#failureStatus = undefined
    this.#warnIfCompressed(response)
    // A renewed request (see #renewIfFull) continues an open stream.
    if (this.#readyState !== OPEN) this.#announceConnection()
  }

  /**
   * Not in the spec: a compressed stream often arrives in bursts, or not at all, since compressors hold
   * data until their buffer fills unless the server flushes each event. Warned once a source. (A proxy
   * that buffers, such as nginx without `X-Accel-Buffering: no`, leaves no trace in the headers.)
   */
  #warnIfCompressed(response: TransportResponse): void {
    const encoding = response.headers.get('content-encoding')
    if (this.#compressionWarned || !encoding || /^\s*identity\s*$/i.test(encoding)) return
    this.#compressionWarned = true
    this.#log(`Content-Encoding ${encoding}: events arrive late unless the server flushes each.`, 'warn')
  }

  #processChunk(text: string): void {
    this.#inactivityTimer?.touch()
    this.#parser.feed(text)
    this.#renewIfFull()
  }

  /** 15. A network error reestablishes the connection; an aborted one, or one known to be futile, fails it. */
  #processNetworkError(error: unknown, kind: FailureKind): void {
    if (kind === 'network') return this.#reestablishConnection(diagnostics.network(error))
    if (kind === 'cors' && 'last-event-id' in this.#request!.headers) {
      // Not in the spec: browsers send Last-Event-ID without a preflight, fetch cannot, and a server that
      // does not allow the header in its preflight refuses the reconnect. Still CONNECTING (the error
      // event for this reconnect has fired), try again at once with the id in the query instead.
      this.#lastEventIdHeaderRefused = true
      this.#log('CORS refused Last-Event-ID: sending it in the query.')
      this.#stopConnection()
      return void this.#connect()
    }
    this.#failConnection(kind === 'cors' ? diagnostics.cors(error, this.#requestUrl) : diagnostics.aborted(error))
  }

  /** Announce the connection: set readyState to OPEN and fire `open` (close() aborted the transport before). */
  #announceConnection(): void {
    this.#failures = 0
    this.#readyState = OPEN
    this.#log(`Open: ${this.#requestUrl}.`)
    this.#fire(new Event('open'))
  }

  /** Fail the connection: if readyState is not CLOSED, set it to CLOSED and fire `error`. No reconnect. */
  #failConnection(details: ErrorDetails, outcome = ' EventSource does not retry.'): void {
    this.#stopConnection()
    if (this.#readyState === CLOSED) return
    this.#readyState = CLOSED
    details.message += outcome
    const event = (this.#failure = this.#errorEvent(details))
    this.#closed.abort()
    this.#fire(event)
  }

  /**
   * Reestablish the connection. Not in the spec: after `response`, where a retryPolicy retries it; at
   * once, `now`, on a wake-up, unless the retryPolicy gives up.
   */
  #reestablishConnection(details: ErrorDetails, response?: TransportResponse, now = false): void {
    this.#stopConnection()
    this.#failureStatus = details.status
    // 1. If readyState is CLOSED, abort these steps. Set readyState to CONNECTING. Fire `error`.
    if (this.#readyState === CLOSED) return
    const failures = ++this.#failures
    const { retryPolicy } = this.#options
    const wait = retryPolicy ? retryPolicy.delay(failures, this.#reconnectionTime, response) : this.#reconnectionTime
    if (wait === undefined) return this.#failConnection(details, ` Gave up after ${failures} failed ${failures > 1 ? 'attempts' : 'attempt'} in a row.`)
    this.#readyState = CONNECTING
    // 2. Wait a delay equal to the reconnection time (not in the spec: the retryPolicy's, where there is
    // one). 5. If readyState is not CONNECTING, return: close() clears this timer, also from inside the
    // error handler, which is why it is set before firing. (A policy's wait past setTimeout's range is clamped.)
    const delay = now ? 0 : Math.min(wait, MAX_TIMEOUT)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      void this.#connect()
    }, delay)
    details.message += ` Reconnecting in ${delay} ms.`
    this.#fire(this.#errorEvent(details))
  }

  /** The error event, its message logged first. */
  #errorEvent(details: ErrorDetails): EventSourceErrorEvent {
    this.#log(details.message)
    return new EventSourceErrorEvent(details)
  }

  /**
   * Not in the spec (wakeUp): connect now rather than wait out the reconnect delay, unless the server
   * set it (a retried status, Retry-After); or end a silence past heartbeatTimeout whose timer has not
   * run yet.
   */
  #wakeUp(reason: string): void {
    const silent = this.#inactivityTimer?.overdue()
    if (!silent && (this.#reconnectTimer === undefined || this.#failureStatus !== undefined)) return
    this.#log(`Woken (${reason}): reconnecting now.`)
    if (silent) this.#reestablishConnection(diagnostics.inactivity(this.#options.heartbeatTimeout!), undefined, true)
    else this.reconnect()
  }

  #log(message: string, level: keyof Logger = 'debug'): void {
    // A logger that throws is reported as a listener is, and never breaks the connection.
    try {
      this.#logger[level]?.(message, this)
    } catch (error) {
      reportListenerError(error)
    }
  }

  /**
   * Not in the spec: XHR's responseText keeps the whole response, so past xhrResponseLimit the request
   * is replaced, once the text received so far is parsed. Where the last block set a new ID, the new
   * request resumes from it: still OPEN, no event fires, nothing is lost or repeated (an unfinished
   * event comes again). A stream without IDs cannot be resumed, nor one whose events stopped setting new
   * IDs before twice the limit: the connection is reestablished, as when a server ends the stream, and
   * the error event says why. While the response's first block is still arriving, it waits (maxEventSize
   * bounds that block).
   */
  #renewIfFull(): void {
    const received = this.#connection?.received ?? 0
    if (received <= this.#responseLimit) return
    if (this.#position === 'resumable') {
      this.#log('Past xhrResponseLimit: renewing the request.')
      this.#stopConnection()
      void this.#connect()
    } else if (this.#position === 'past' && (this.#lastEventId === '' || received > 2 * this.#responseLimit)) {
      this.#reestablishConnection(diagnostics.responseLimit(this.#responseLimit))
    }
  }

  /** Dispatch the event: a MessageEvent named after the event type, unless the source was closed meanwhile. */
  #dispatchMessage(event: ParsedEvent): void {
    if (this.#readyState === CLOSED) return
    // Not in the spec: a block with data ends here unless it also sets a new ID (see #position).
    this.#position = 'past'
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

  #startInactivityTimer(): void {
    const { heartbeatTimeout } = this.#options
    if (!heartbeatTimeout || heartbeatTimeout <= 0) return
    this.#inactivityTimer = startInactivityTimer(heartbeatTimeout, () => this.#reestablishConnection(diagnostics.inactivity(heartbeatTimeout)))
  }

  /**
   * Aborts the request and stops every timer; pending async work of this connection is dropped, and so
   * is the rest of the text the parser is reading.
   */
  #stopConnection(): void {
    this.#attempt?.abort()
    this.#parser.reset()
    this.#position = 'start'
    this.#connection?.abort()
    this.#connection = undefined
    this.#inactivityTimer?.stop()
    this.#inactivityTimer = undefined
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = undefined
  }
}

// IDL constants: on the constructor and the prototype, enumerable and read-only, as native.
for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSED', CLOSED]] as const) {
  for (const target of [EventSource, EventSource.prototype]) {
    Object.defineProperty(target, name, { value, enumerable: true, writable: false, configurable: false })
  }
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

/** Statuses that refreshOnAuthError answers: the token may have expired. */
function isAuthError(status: number | undefined): boolean {
  return status === 401 || status === 403
}

/**
 * The MIME type's essence must be text/event-stream, in any case; parameters such as charset are allowed
 * (and ignored). MIME parsing strips HTTP whitespace only (not NBSP and the others trim() removes).
 */
function isEventStream(contentType: string | null): boolean {
  return contentType !== null && /^[\t\n\r ]*text\/event-stream[\t\n\r ]*(;|$)/i.test(contentType)
}
