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
  /** A blank line committed a last event ID that differs from the previous one (events or not). */
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
   * last event ID buffer, which outlives connections as the EventSource's last event ID string.
   */
  reset(lastEventId?: string): void
}

const LF = 10
const SPACE = 32
const ASCII_DIGITS_ONLY = /^[0-9]+$/

export function createParser(options: ParserOptions): Parser {
  const { onEvent, onLastEventId, onRetry, onComment, onError, maxEventSize = Infinity } = options

  // The pieces of a line that has not ended yet. Kept as a list and joined once, when the line ends,
  // so a long line arriving in many pieces costs linear time rather than quadratic.
  let partialLine: string[] = []
  let partialLength = 0
  // Set when the event outgrew maxEventSize: nothing more is parsed until reset().
  let overflowed = false
  // A CR ended the previous piece: an LF at the start of the next one belongs to the same line ending.
  let skipLeadingLF = false

  let data = ''
  let hasData = false
  let eventType = ''
  let lastEventIdBuffer = ''
  let lastEventId = ''

  function feed(text: string): void {
    // An empty piece must not consume a pending CR's partner LF check.
    if (text === '' || overflowed) return
    let start = 0
    if (skipLeadingLF) {
      skipLeadingLF = false
      if (text.charCodeAt(0) === LF) start = 1
    }
    // Positions of the next CR and LF at or after `start`; -1 when there is none in this piece.
    // Each is searched for again only once it has been passed, so every character is scanned once.
    let nextCR = text.indexOf('\r', start)
    let nextLF = text.indexOf('\n', start)
    while (nextCR !== -1 || nextLF !== -1) {
      const end = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF)
      let line = text.slice(start, end)
      if (partialLine.length > 0) {
        partialLine.push(line)
        line = partialLine.join('')
        partialLine = []
        partialLength = 0
      }
      start = end + 1
      if (end === nextCR) {
        // A CR followed by an LF is one line ending, even when they arrive in different pieces.
        if (start === text.length) skipLeadingLF = true
        else if (text.charCodeAt(start) === LF) start++
        nextCR = text.indexOf('\r', start)
      }
      if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start)
      if (line.length > maxEventSize) return overflow()
      processLine(line)
      if (overflowed) return
    }
    if (start < text.length) {
      partialLine.push(start === 0 ? text : text.slice(start))
      partialLength += text.length - start
      // Counted whole, as a complete line is: the answer does not depend on where the stream was split.
      if (partialLength > maxEventSize) overflow()
    }
  }

  /** Not in the spec: what an event holds while it is received (its data, type and id) is bounded too. */
  function checkBuffers(): void {
    if (data.length + eventType.length + lastEventIdBuffer.length > maxEventSize) overflow()
  }

  function overflow(): void {
    overflowed = true
    onError?.(new ParseError('event-too-large', `An event grew past ${maxEventSize} characters.`))
  }

  function processLine(line: string): void {
    // If the line is empty (a blank line): dispatch the event.
    if (line.length === 0) return dispatchEvent()
    const colon = line.indexOf(':')
    // If the line starts with a U+003A COLON character (:): ignore the line.
    if (colon === 0) return onComment?.(line.slice(1))
    if (colon === -1) {
      // Otherwise, the string is not empty but does not contain a U+003A COLON character (:): process
      // the field using the whole line as the field name, and the empty string as the field value.
      return processField(line, '')
    }
    // Collect the characters on the line before the first U+003A COLON character (:), and let field be
    // that string. Collect the characters on the line after the first U+003A COLON character (:), and
    // let value be that string. If value starts with a U+0020 SPACE character, remove it from value.
    const valueStart = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1
    processField(line.slice(0, colon), line.slice(valueStart))
  }

  function processField(field: string, value: string): void {
    switch (field) {
      case 'event':
        // Set the event type buffer to the field value.
        eventType = value
        checkBuffers()
        break
      case 'data':
        // Append the field value to the data buffer, then append a single U+000A LINE FEED (LF)
        // character to the data buffer. (The LF goes between lines here, so that the spec's removal
        // of the last LF at dispatch has nothing to remove.)
        data = hasData ? data + '\n' + value : value
        hasData = true
        checkBuffers()
        break
      case 'id':
        // If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
        // field value. Otherwise, ignore the field.
        if (!value.includes('\0')) lastEventIdBuffer = value
        checkBuffers()
        break
      case 'retry':
        // If the field value consists of only ASCII digits, then interpret the field value as an
        // integer in base ten, and set the event stream's reconnection time to that integer.
        // Otherwise, ignore the field.
        if (ASCII_DIGITS_ONLY.test(value)) onRetry?.(parseInt(value, 10))
        break
      // Otherwise: the field is ignored.
    }
  }

  function dispatchEvent(): void {
    // 1. Set the last event ID string of the event source to the value of the last event ID buffer.
    //    The buffer does not get reset.
    if (lastEventIdBuffer !== lastEventId) {
      lastEventId = lastEventIdBuffer
      onLastEventId?.(lastEventId)
    }
    // 2. If the data buffer is an empty string, set the data buffer and the event type buffer to the
    //    empty string and return.
    if (!hasData) {
      eventType = ''
      return
    }
    // 3. If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last
    //    character from the data buffer. (Never there: see the `data` field.)
    const event: ParsedEvent = { type: eventType || 'message', data, lastEventId }
    data = ''
    hasData = false
    eventType = ''
    onEvent(event)
  }

  function reset(seedLastEventId = lastEventId): void {
    // Once the end of the file is reached, any pending data must be discarded. (If the file ends in the
    // middle of an event, before the final empty line, the incomplete event is not dispatched.)
    partialLine = []
    partialLength = 0
    overflowed = false
    skipLeadingLF = false
    data = ''
    hasData = false
    eventType = ''
    lastEventIdBuffer = lastEventId = seedLastEventId
  }

  return { feed, reset }
}
