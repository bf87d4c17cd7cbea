/**
 * A reference for the parser: the spec's "event stream interpretation" transcribed as plainly as
 * possible, for a whole stream at once. Slow and obviously right, it is what property tests compare
 * the incremental parser with.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export interface ReferenceResult {
  events: Array<{ type: string; data: string; lastEventId: string }>
  retries: number[]
  comments: string[]
  lastEventId: string
}

export function referenceParse(stream: string): ReferenceResult {
  const result: ReferenceResult = { events: [], retries: [], comments: [], lastEventId: '' }
  let data = ''
  let eventType = ''
  let lastEventIdBuffer = ''
  // Lines end with CRLF, LF or CR. What follows the last line ending is an unfinished line: discarded.
  const lines = stream.split(/\r\n|\n|\r/)
  lines.pop()
  for (const line of lines) {
    if (line === '') {
      // Dispatch the event.
      result.lastEventId = lastEventIdBuffer
      if (data === '') {
        eventType = ''
        continue
      }
      if (data.endsWith('\n')) data = data.slice(0, -1)
      result.events.push({ type: eventType === '' ? 'message' : eventType, data, lastEventId: result.lastEventId })
      data = ''
      eventType = ''
    } else if (line.startsWith(':')) {
      result.comments.push(line.slice(1))
    } else {
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') eventType = value
      else if (field === 'data') data += `${value}\n`
      else if (field === 'id' && !value.includes('\0')) lastEventIdBuffer = value
      else if (field === 'retry' && /^[0-9]+$/.test(value)) result.retries.push(parseInt(value, 10))
    }
  }
  return result
}
