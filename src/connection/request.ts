/**
 * Builds the request each connection attempt sends. No I/O.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource
 */
import type { RequestBody, SSERequest } from '../transports/types'

/**
 * Header values as users give them: a plain object, a `Headers`, or a list of pairs. An object's value
 * may be null or undefined (a token not stored yet: `localStorage.getItem()`), which sends no header.
 */
export type HeadersInit = Record<string, string | null | undefined> | Headers | Array<[string, string]>

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
  /** Custom headers (see readHeaders). */
  headers: Headers
  method?: string
  body?: RequestBody
  /** The last event ID string; sent when not empty. A custom Last-Event-ID header is never sent. */
  lastEventId: string
  /** Send the id in the Last-Event-ID header (the spec's way); false when CORS refused that header. */
  lastEventIdHeader: boolean
  /** Not in the spec: also send the last event ID as this query parameter. */
  lastEventIdQueryParameterName?: string
  forwardHeadersOnCrossOriginRedirect?: boolean
  corsProbe?: boolean
}

/**
 * Not in the spec: the custom headers, checked by the platform's `Headers` as fetch checks them: a name
 * must be a token; a value loses its leading and trailing whitespace (CR and LF included), and may then
 * hold neither CR, LF nor NUL, nor characters above U+00FF. Returns the name of the first header HTTP
 * cannot carry instead, so that nothing is sent.
 */
export function readHeaders(init: HeadersInit | null | undefined): Headers | { invalid: string } {
  const headers = new Headers()
  // Headers and lists of pairs are iterable; plain objects are not. A headers function may return nothing.
  const entries = init == null ? [] : Symbol.iterator in init ? init : Object.entries(init)
  for (const [name, value] of entries) {
    try {
      // Not in the spec: a nullish value is left out, as a missing token would be, rather than sent as
      // "null" or "undefined". An empty string is a value, and is sent, as fetch sends it.
      if (value != null) headers.append(name, value)
    } catch {
      return { invalid: name }
    }
  }
  return headers
}

export function buildRequest(options: RequestOptions): SSERequest {
  const { withCredentials, lastEventId, lastEventIdQueryParameterName } = options
  let url = options.url
  let lastEventIdQueryParameter: string | undefined
  const forwardHeadersOnCrossOriginRedirect = Boolean(options.forwardHeadersOnCrossOriginRedirect)
  const headers = new Headers(forwardHeadersOnCrossOriginRedirect || new URL(url).origin === options.headersOrigin ? options.headers : undefined)
  // The EventSource owns Last-Event-ID: a custom one only seeds its last event ID.
  headers.delete('last-event-id')
  // The spec lets the user agent set `Accept: text/event-stream`. A custom Accept header replaces it:
  // the user asked for it, and a server that needs another value has no other way to get it.
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream')
  if (lastEventId !== '') {
    // Reestablish step 5: if the last event ID string is not the empty string, set `Last-Event-ID`.
    if (options.lastEventIdHeader) headers.set('last-event-id', utf8ByteString(lastEventId))
    if (lastEventIdQueryParameterName) {
      const withId = new URL(url)
      withId.searchParams.set(lastEventIdQueryParameterName, lastEventId)
      url = withId.href
      lastEventIdQueryParameter = lastEventIdQueryParameterName
    }
  }
  const credentials = withCredentials ? 'include' : 'same-origin'
  const { method = 'GET', body, corsProbe } = options
  return { url, method, body, headers: Object.fromEntries(headers), credentials, forwardHeadersOnCrossOriginRedirect, lastEventIdQueryParameter, corsProbe }
}

/**
 * The Last-Event-ID value is the id's UTF-8 bytes. Fetch takes header values as byte strings (one
 * character a byte, and rejects characters above U+00FF), so the id is passed byte by byte.
 */
function utf8ByteString(text: string): string {
  let bytes = ''
  for (const byte of new TextEncoder().encode(text)) bytes += String.fromCharCode(byte)
  return bytes
}

/** The URL without the named query parameter (the one this library adds for the last event ID), if any. */
export function withoutQueryParameter(url: string, name: string | undefined): string {
  const parsed = new URL(url)
  if (name === undefined || !parsed.searchParams.has(name)) return url
  parsed.searchParams.delete(name)
  return parsed.href
}
