/** The events an EventSource dispatches. */

/** What an `on*` handler gets as `this`: the surface our class and the DOM's EventSource share. */
export interface EventSourceLike extends EventTarget {
  readonly url: string
  readonly readyState: number
  readonly withCredentials: boolean
  close(): void
}

/** What the EventSource knows about a failure; every field is optional but `message`. */
export interface ErrorDetails {
  /** A readable reason, e.g. "No activity within 45000 milliseconds. Reconnecting in 3000 ms." */
  message: string
  /** The HTTP status, when a response arrived. */
  status?: number
  statusText?: string
  /** The underlying error (a network TypeError, a rejected headers function), or one made from `message`. */
  error?: Error
}

/**
 * The `error` event. The spec fires a simple `Event` named `error`: this is one (it does not bubble and
 * cannot be cancelled), and, not in the spec, it also says what went wrong.
 */
export class EventSourceErrorEvent extends Event {
  // Declared only: the constructor sets them (class fields would be defined twice in the output).
  declare readonly message: string
  declare readonly status: number | undefined
  declare readonly statusText: string | undefined
  declare readonly error: Error

  constructor(details: ErrorDetails) {
    super('error')
    this.message = details.message
    this.status = details.status
    this.statusText = details.statusText
    this.error = details.error ?? new Error(details.message)
  }
}

/**
 * A real MessageEvent (made by its constructor, an instance of it) whose data, origin and lastEventId
 * are read from fields. Where MessageEvent is the platform's own (browsers), passing them in an init
 * dictionary costs more: Chromium converts each member from JavaScript, and building and dispatching
 * an event that way cost about three times as much (`npm run bench -- browser`), where native
 * EventSource sets them in C++.
 */
export class ServerSentEvent extends MessageEvent<string> {
  readonly #data: string
  readonly #origin: string
  readonly #lastEventId: string

  constructor(type: string, data: string, origin: string, lastEventId: string) {
    super(type)
    this.#data = data
    this.#origin = origin
    this.#lastEventId = lastEventId
  }

  override get data(): string {
    return this.#data
  }

  override get origin(): string {
    return this.#origin
  }

  override get lastEventId(): string {
    return this.#lastEventId
  }
}

// User code sees a MessageEvent, as native dispatches (WPT eventsource-onmessage-realm checks
// `event.constructor`): the getters stay, the prototype's `constructor` is the realm's MessageEvent.
ServerSentEvent.prototype.constructor = MessageEvent

// Whether MessageEvent is native code, checked at the first event. A JavaScript one (Node, Deno,
// happy-dom) takes the init dictionary at less cost than ServerSentEvent's fields, and happy-dom's
// keeps data in an own property, which would hide their getters.
let nativeMessageEvent: boolean | undefined

export function createMessageEvent(type: string, data: string, origin: string, lastEventId: string): MessageEvent<string> {
  nativeMessageEvent ??= Function.prototype.toString.call(MessageEvent).includes('[native code]')
  return nativeMessageEvent ? new ServerSentEvent(type, data, origin, lastEventId) : new MessageEvent(type, { data, origin, lastEventId })
}
