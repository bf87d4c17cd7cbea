/**
 * Incremental `text/event-stream` parser: decoded text in, events out. Pure: no DOM, no I/O.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One dispatched event, as the spec's "dispatch the event" steps build it. */
export interface ParsedEvent {
  /** The event type buffer, or `message` when it is empty. */
  type: string
  /** The data buffer with its single trailing LF removed. */
  data: string
  /** The last event ID string at dispatch time. */
  lastEventId: string
}

export interface ParserOptions {
  /** An event whose data buffer was not empty. */
  onEvent(event: ParsedEvent): void
  /**
   * A blank line committed a last event ID that differs from the previous one (events or not). Called
   * after that block's event, if any, is dispatched: the stream can be resumed from this ID.
   */
  onLastEventId?(lastEventId: string): void
  /** A `retry` field whose value is ASCII digits only, as an integer number of milliseconds. */
  onRetry?(milliseconds: number): void
  /** A line starting with a colon, without that colon. */
  onComment?(comment: string): void
  /**
   * Not in the spec: the most characters (UTF-16 code units) that one line, or an event's data, type
   * and id together, may hold while it is received. Unlimited when absent.
   */
  maxEventSize?: number
  /** A line or an event grew past `maxEventSize`: the parser ignores everything until reset(). */
  onError?(error: ParseError): void
}

export class ParseError extends Error {
  constructor(
    readonly type: 'event-too-large',
    message: string,
  ) {
    super(message)
    this.name = 'ParseError'
  }
}

export interface Parser {
  /** Feeds the next piece of the decoded stream; pieces may split lines anywhere, CRLF included. */
  feed(text: string): void
  /**
   * Starts a new stream (a reconnection): drops any partial line and pending event, and seeds the
   * last event ID buffer, which outlives connections as the EventSource's last event ID string. Called
   * from a callback during feed(), it ends that feed: the rest of the piece belongs to the old stream.
   */
  reset(lastEventId?: string): void
  /**
   * Drops the partial line and the pending event (data, event type, an id not yet committed), as
   * reset() does, but keeps the last event ID, and a feed() under way goes on with the rest of its piece.
   */
  discard(): void
}

const LF = 10
const SPACE = 32
const COLON = 58
const ASCII_DIGITS_ONLY = /^[0-9]+$/
// The longest a field's name, colon and space can be (`retry: `): a line's first piece at least this long
// holds them, so its value can be read as that piece's end followed by the rest.
const FIELD_PREFIX = 7

export function createParser(options: ParserOptions): Parser {
  const { onEvent, onLastEventId, onRetry, onComment, onError, maxEventSize = Infinity } = options

  // A line that has not ended yet: its first piece, and the pieces after it. Engines concatenate strings
  // in constant time (ropes), so a long line arriving in many pieces costs linear time; keeping a first
  // piece of FIELD_PREFIX characters or more apart lets the field name be read there, so that a long
  // value is not flattened to be parsed (a shorter first piece is joined with the rest).
  let partialLine = ''
  let partialRest = ''
  // Set when the event outgrew maxEventSize: nothing more is parsed until reset().
  let overflowed = false
  // A CR ended the previous piece: an LF at the start of the next one belongs to the same line ending.
  let skipLeadingLF = false
  // Counts reset() calls, so that a feed() learns when a callback started a new stream.
  let streams = 0

  let data = ''
  let hasData = false
  let eventType = ''
  let lastEventIdBuffer = ''
  let lastEventId = ''

  function feed(text: string): void {
    // An empty piece must not consume a pending CR's partner LF check.
    if (text === '' || overflowed) return
    const stream = streams
    let start = 0
    if (skipLeadingLF) {
      skipLeadingLF = false
      if (text.charCodeAt(0) === LF) start = 1
    }
    // Lines are processed where they lie in the piece, without copying them. The next CR and LF at or
    // after `start` (-1: none left in this piece) are searched for again only once passed, so each
    // character is scanned once.
    let nextCR = text.indexOf('\r', start)
    let nextLF = text.indexOf('\n', start)
    while (nextCR !== -1 || nextLF !== -1) {
      const end = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF)
      if (partialLine === '') {
        if (end - start > maxEventSize) return overflow()
        processLine(text, start, end)
      } else {
        const head = partialLine
        const rest = partialRest + text.slice(start, end)
        partialLine = partialRest = ''
        if (head.length + rest.length > maxEventSize) return overflow()
        if (head.length >= FIELD_PREFIX) processLine(head, 0, head.length, rest)
        else {
          const line = head + rest
          processLine(line, 0, line.length)
        }
      }
      if (overflowed || stream !== streams) return
      start = end + 1
      if (end === nextCR) {
        // A CR followed by an LF is one line ending, even when they arrive in different pieces.
        if (start === text.length) skipLeadingLF = true
        else if (text.charCodeAt(start) === LF) start++
        nextCR = text.indexOf('\r', start)
      }
      if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start)
    }
    if (start < text.length) {
      const piece = start === 0 ? text : text.slice(start)
      if (partialLine === '') partialLine = piece
      else partialRest += piece
      // Counted whole, as a complete line is: the answer does not depend on where the stream was split.
      if (partialLine.length + partialRest.length > maxEventSize) overflow()
    }
  }

  function overflow(): void {
    overflowed = true
    onError?.(new ParseError('event-too-large', `An event grew past ${maxEventSize} characters.`))
  }

  /** The line is text[start, end), then `rest`, where the line came in pieces (see FIELD_PREFIX). */
  function processLine(text: string, start: number, end: number, rest = ''): void {
    // If the line is empty (a blank line): dispatch the event.
    if (start === end) return dispatchEvent()
    // If the line starts with a U+003A COLON character (:): ignore the line.
    if (text.charCodeAt(start) === COLON) return onComment?.(text.slice(start + 1, end) + rest)
    // Otherwise the field is what comes before the first colon (the whole line when there is none), and
    // only four fields count: each is compared in place, so the colon is never searched for.
    if (isField(text, start, end, 'data')) {
      // Append the field value to the data buffer, then append a single U+000A LINE FEED (LF) character
      // to the data buffer. (The LF goes between lines here, so the spec's removal of the last LF at
      // dispatch has nothing to remove.)
      const value = fieldValue(text, start + 4, end, rest)
      data = hasData ? data + '\n' + value : value
      hasData = true
    } else if (isField(text, start, end, 'id')) {
      // If the field value does not contain U+0000 NULL, set the last event ID buffer to it.
      const value = fieldValue(text, start + 2, end, rest)
      if (!value.includes('\0')) lastEventIdBuffer = value
    } else if (isField(text, start, end, 'event')) {
      // Set the event type buffer to the field value.
      eventType = fieldValue(text, start + 5, end, rest)
    } else if (isField(text, start, end, 'retry')) {
      // If the field value consists of only ASCII digits, set the reconnection time to it (base ten).
      const value = fieldValue(text, start + 5, end, rest)
      if (ASCII_DIGITS_ONLY.test(value)) onRetry?.(parseInt(value, 10))
      return
    } else {
      // Otherwise: the field is ignored.
      return
    }
    // Not in the spec: what an event holds while it is received (its data, type and id) is bounded too.
    if (data.length + eventType.length + lastEventIdBuffer.length > maxEventSize) overflow()
  }

  function dispatchEvent(): void {
    // 1. Set the last event ID string of the event source to the value of the last event ID buffer.
    //    The buffer does not get reset.
    const newLastEventId = lastEventIdBuffer !== lastEventId
    lastEventId = lastEventIdBuffer
    // 2. If the data buffer is an empty string, set the data buffer and the event type buffer to the
    //    empty string and return. (No event; a new last event ID is still reported.)
    const type = eventType || 'message'
    eventType = ''
    if (hasData) {
      // 3. If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the
      //    last character from the data buffer. (Never there: see the `data` field.)
      const event: ParsedEvent = { type, data, lastEventId }
      data = ''
      hasData = false
      onEvent(event)
    }
    if (newLastEventId) onLastEventId?.(lastEventId)
  }

  function reset(seedLastEventId = lastEventId): void {
    streams++
    lastEventId = seedLastEventId
    discard()
  }

  function discard(): void {
    // Once the end of the file is reached, any pending data must be discarded. (If the file ends in the
    // middle of an event, before the final empty line, the incomplete event is not dispatched.)
    partialLine = partialRest = ''
    overflowed = false
    skipLeadingLF = false
    data = ''
    hasData = false
    eventType = ''
    lastEventIdBuffer = lastEventId
  }

  return { feed, reset, discard }
}

/** Whether the line text[start, end) holds the field `name`: the name, then a colon or the line's end. */
function isField(text: string, start: number, end: number, name: string): boolean {
  const nameEnd = start + name.length
  return (nameEnd === end || (nameEnd < end && text.charCodeAt(nameEnd) === COLON)) && text.startsWith(name, start)
}

/**
 * The value of the field whose name ends at `nameEnd`: the characters after the colon, less one leading
 * U+0020 SPACE, then `rest`; empty when the line has no colon.
 */
function fieldValue(text: string, nameEnd: number, end: number, rest: string): string {
  if (nameEnd === end) return rest
  return text.slice(text.charCodeAt(nameEnd + 1) === SPACE ? nameEnd + 2 : nameEnd + 1, end) + rest
}

