/**
 * Builds the request each connection attempt sends. Pure: no I/O.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource
 */

/** Header values as users give them: a plain object, a `Headers`, or a list of pairs. */
export type HeadersInit = Record<string, string> | Headers | Array<[string, string]>

/** What a transport needs to send one request. */
export interface SSERequest {
  url: string
  headers: Record<string, string>
  /** `'include'` when `withCredentials` is true, else `'same-origin'` (spec constructor steps 7-8). */
  credentials: 'include' | 'same-origin'
  /** Not in the spec: keep custom headers when a redirect leads to another origin (see EventSourceOptions). */
  forwardHeadersOnCrossOriginRedirect: boolean
}

export interface RequestOptions {
  /** Where this request goes: the EventSource's URL, or where a redirect led it. */
  url: string
  /**
   * Not in the spec: the origin of the URL the user gave. Custom headers go to it alone, unless
   * forwardHeadersOnCrossOriginRedirect: a redirect must not hand them to another server, neither
   * while it is followed nor on the reconnects that then go straight to its target.
   */
  headersOrigin: string
  withCredentials: boolean
  /** Custom headers, already resolved when given as a function. */
  headers?: HeadersInit
  /** The last event ID string; sent when not empty. A custom Last-Event-ID header is never sent. */
  lastEventId: string
  /** Send the id in the Last-Event-ID header (the spec's way); false when CORS refused that header. */
  lastEventIdHeader: boolean
  /** Not in the spec: also send the last event ID as this query parameter. */
  lastEventIdQueryParameterName?: string
  forwardHeadersOnCrossOriginRedirect?: boolean
}

const LAST_EVENT_ID = 'last-event-id'

export function buildRequest(options: RequestOptions): SSERequest {
  const { withCredentials, lastEventId, lastEventIdHeader, lastEventIdQueryParameterName } = options
  // The spec lets the user agent set `Accept: text/event-stream`. A custom Accept header replaces it:
  // the user asked for it, and a server that needs another value has no other way to get it.
  const headers: Record<string, string> = { Accept: 'text/event-stream' }
  let url = options.url
  const forwardHeadersOnCrossOriginRedirect = Boolean(options.forwardHeadersOnCrossOriginRedirect)
  if (forwardHeadersOnCrossOriginRedirect || new URL(url).origin === options.headersOrigin) {
    for (const [name, value] of entriesOf(options.headers)) {
      // The EventSource owns Last-Event-ID: a custom one only seeds its last event ID (see seedLastEventId).
      if (name.toLowerCase() !== LAST_EVENT_ID) setHeader(headers, name, value)
    }
  }
  if (lastEventId !== '') {
    // Reestablish step 5: if the last event ID string is not the empty string, set `Last-Event-ID`.
    if (lastEventIdHeader) setHeader(headers, 'Last-Event-ID', utf8ByteString(lastEventId))
    if (lastEventIdQueryParameterName) {
      const withId = new URL(url)
      withId.searchParams.set(lastEventIdQueryParameterName, lastEventId)
      url = withId.href
    }
  }
  return { url, headers, credentials: withCredentials ? 'include' : 'same-origin', forwardHeadersOnCrossOriginRedirect }
}

/**
 * Not in the spec: a custom `Last-Event-ID` header is how pages resume from an id they stored. It becomes
 * the source's initial last event ID, which the spec's rules then govern: sent on every request until
 * the stream sets another id, or an empty one.
 */
export function seedLastEventId(headers: HeadersInit | undefined): string {
  for (const [name, value] of entriesOf(headers)) if (name.toLowerCase() === LAST_EVENT_ID) return value
  return ''
}

// An HTTP token for names. Values may not hold CR, LF or NUL, which would end or split the header,
// nor characters above U+00FF, which a header (a byte string) cannot carry.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FORBIDDEN_IN_VALUE = /[\r\n\0\u0100-\uffff]/

/** Not in the spec: the name of the first custom header HTTP cannot carry, if any. */
export function findInvalidHeader(headers: HeadersInit | undefined): string | undefined {
  for (const [name, value] of entriesOf(headers)) {
    if (!HEADER_NAME.test(name) || FORBIDDEN_IN_VALUE.test(String(value))) return name
  }
  return undefined
}

/**
 * The Last-Event-ID value is the id's UTF-8 bytes. Fetch takes header values as byte strings (one
 * character a byte, and rejects characters above U+00FF), so non-ASCII ids are passed byte by byte.
 */
function utf8ByteString(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text
  let bytes = ''
  for (const byte of new TextEncoder().encode(text)) bytes += String.fromCharCode(byte)
  return bytes
}

/** The URL without the named query parameter (the one this library adds for the last event ID). */
export function withoutQueryParameter(url: string, name: string): string {
  const parsed = new URL(url)
  if (!parsed.searchParams.has(name)) return url
  parsed.searchParams.delete(name)
  return parsed.href
}

/** Header names are case-insensitive: a new value replaces any spelling of the same name. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lowerName = name.toLowerCase()
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === lowerName) delete headers[existing]
  }
  headers[name] = value
}

function entriesOf(headers: HeadersInit | undefined): Iterable<[string, string]> {
  if (headers === undefined) return []
  if (Array.isArray(headers)) return headers
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    const entries: Array<[string, string]> = []
    ;(headers as Headers).forEach((value, name) => entries.push([name, value]))
    return entries
  }
  return Object.entries(headers as Record<string, string>)
}
