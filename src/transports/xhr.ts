/**
 * Not in the spec: streams a response over `XMLHttpRequest`, for platforms whose fetch cannot stream a
 * body (React Native, older browsers and WebViews): each progress event hands on the text
 * `responseText` gained. An opt-in module (`sse-polyfill/xhr`); the React Native and script-tag builds
 * take it by default where fetch cannot stream.
 *
 * `responseText` keeps every character of the response, so past a limit the request is renewed.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (steps 6-15)
 */
import { refusedByCors } from './cors'
import { enforcesCors } from './environment'
import { fetchTransport } from './fetch'
import type { FetchLike, Transport, TransportResponse } from './types'

/** How many characters `responseText` may gather before the request is renewed, unless set otherwise (4 Mi). */
export const DEFAULT_XHR_RESPONSE_LIMIT = 2 ** 22

export interface XhrOptions {
  /**
   * How many characters `responseText` (which keeps them all) may gather before the request is renewed,
   * after the read that passed the limit, where the last event read set a new ID (else after a later
   * read), resuming from it: no event fired, none lost, none repeated. On a stream without IDs, or past
   * twice the limit without a new ID, the connection is reestablished instead, with an `error` event,
   * as when a server ends the stream. DEFAULT_XHR_RESPONSE_LIMIT when absent.
   */
  responseLimit?: number
}

/** `fetchOrXhr`'s options: `fetch` (which then carries the stream) as the EventSource option of that name. */
export interface FetchOrXhrOptions extends XhrOptions {
  fetch?: FetchLike
}

// The same options give the same transport, so that sources made with `xhr()` or `fetchOrXhr()` written
// inline (in a component's render) share one connection through acquire() (registry.ts), which tells
// transports apart by identity. Weak: a `fetch` made anew each time is not kept. Keyed by fetchOrXhr
// itself where no fetch is given.
const fetchTransports = new WeakMap<object, Transport>()
const xhrTransports: Record<number, Transport> = {}

/** The `transport` option's value for fetch where it can stream a response body (or is given), XHR elsewhere. */
export function fetchOrXhr(options: FetchOrXhrOptions = {}): Transport {
  const { fetch } = options
  if (!fetch && !fetchStreams() && typeof XMLHttpRequest === 'function') return xhr(options)
  const key = fetch ?? fetchOrXhr
  if (!fetchTransports.has(key)) fetchTransports.set(key, fetchTransport(fetch))
  return fetchTransports.get(key)!
}

/** A fetch whose responses have a ReadableStream body (React Native's whatwg-fetch has none). */
function fetchStreams(): boolean {
  return typeof fetch === 'function' && typeof ReadableStream === 'function' && typeof Response === 'function' && 'body' in Response.prototype
}

const HEADERS_RECEIVED = 2
const LOADING = 3

/**
 * The `transport` option's value for XHR always. Throws a TypeError where there is no XMLHttpRequest
 * (service workers, Node). `fetch`, where the platform has one, tells a CORS refusal from a network error.
 */
export function xhr({ responseLimit = DEFAULT_XHR_RESPONSE_LIMIT }: XhrOptions = {}): Transport {
  if (typeof XMLHttpRequest !== 'function') throw new TypeError('No XMLHttpRequest for transport "xhr"')
  return (xhrTransports[responseLimit] ??= xhrTransport(responseLimit))
}

function xhrTransport(responseLimit: number): Transport {
  return (request, handlers) => {
    const xhr = new XMLHttpRequest()
    const fetch = globalThis.fetch as FetchLike | undefined
    let stopped = false
    let responded = false
    // Characters of responseText handed on so far.
    let delivered = 0
    // Where the parser stands in this response, for renewal. `start`: no block completed yet;
    // `resumable`: the last block set a new, non-empty ID, so a request with it as Last-Event-ID
    // receives exactly what comes after; `past`: an event without a new ID came after.
    let position: 'start' | 'resumable' | 'past' = 'start'
    // Whether the stream has an ID to resume from at all: the request sent one, or a block set one.
    let hasId = 'last-event-id' in request.headers || request.lastEventIdQueryParameter !== undefined

    const respond = (): void => {
      // Status 0 until a response arrives, and for good when the request fails.
      if (responded || xhr.readyState < HEADERS_RECEIVED || xhr.status === 0) return
      responded = true
      const { status, statusText } = xhr
      // responseURL is after redirects; some platforms leave it empty.
      handlers.onResponse({ status, statusText, headers: headersOf(xhr) }, xhr.responseURL || request.url)
    }
    const deliver = (): void => {
      respond()
      if (stopped || !responded) return
      const text = xhr.responseText
      const start = delivered
      // Counted before the text is parsed: its events see the response's whole size.
      delivered = text.length
      if (delivered > start) handlers.onChunk(text.slice(start))
      if (!stopped) renewIfFull()
    }
    /**
     * Past the limit, once the text received so far is parsed: where the last block set a new ID, a new
     * request resumes from it (an unfinished event comes again whole). A stream without IDs cannot be
     * resumed, nor one whose events stopped setting new IDs before twice the limit: the connection is
     * reestablished. While the response's first block is still arriving, it waits (maxEventSize bounds it).
     */
    const renewIfFull = (): void => {
      if (delivered <= responseLimit) return
      if (position === 'resumable') handlers.renew()
      else if (position === 'past' && (!hasId || delivered > 2 * responseLimit)) {
        handlers.onError(new Error(`The XHR response passed its responseLimit (${responseLimit}) with no new event ID to resume from`), 'network')
      }
    }
    // Stops our CORS probe, if one runs.
    const controller = new AbortController()
    const fail = (error: unknown, kind: 'network' | 'aborted'): void => {
      if (!fetch || kind === 'aborted' || responded) return handlers.onError(error, kind)
      // As over fetch: a refused cross-origin response and an unreachable server look alike.
      void refusedByCors(fetch, request, controller.signal).then((refused) => stopped || handlers.onError(error, refused ? 'cors' : 'network'))
    }

    // Chromium and WebKit signal each read with readystatechange; others with progress (every 50 ms at most).
    xhr.onreadystatechange = () => (xhr.readyState === LOADING ? deliver() : respond())
    xhr.onprogress = deliver
    const networkError = () => fail(new TypeError('XMLHttpRequest failed'), 'network')
    xhr.onload = () => {
      deliver()
      // Some platforms end a request that got no response with load and status 0.
      if (!responded) networkError()
      else if (!stopped) handlers.onEnd()
    }
    xhr.onerror = networkError
    // Not by us (abort() drops the handlers first): the user agent or the user (window.stop()).
    xhr.onabort = () => fail(new TypeError('XMLHttpRequest aborted'), 'aborted')

    try {
      xhr.open(request.method, request.url)
      // 7-8. Credentials: "include" with withCredentials, else same-origin only (XHR's default).
      xhr.withCredentials = request.credentials === 'include'
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value)
      // `Cache-Control: no-cache`, which native sends through fetch's cache mode (XHR has none), only where
      // no CORS applies (React Native). In pages and workers the header would need a preflight wherever
      // the request goes cross-origin, a same-origin URL that redirects to another origin included,
      // which it would then break where that origin does not allow the header.
      if (!enforcesCors() && !('cache-control' in request.headers)) xhr.setRequestHeader('cache-control', 'no-cache')
      // Always UTF-8, whatever the charset parameter (the Content-Type header itself is unchanged). A
      // UTF-16 BOM still switches XHR's decoder to UTF-16, where the spec decodes UTF-8: the bytes are
      // out of reach (even as x-user-defined). React Native lacks the method, and decodes UTF-8.
      xhr.overrideMimeType?.('text/plain; charset=utf-8')
      xhr.send(request.body ?? null)
    } catch (error) {
      // Reported once the EventSource holds the connection, as a failure of this attempt.
      void Promise.resolve().then(() => stopped || handlers.onError(error, 'network'))
    }

    return {
      abort() {
        stopped = true
        controller.abort()
        xhr.onreadystatechange = xhr.onprogress = xhr.onload = xhr.onerror = xhr.onabort = null
        xhr.abort()
      },
      onEvent: () => void (position = 'past'),
      onLastEventId(lastEventId) {
        hasId = lastEventId !== ''
        position = hasId ? 'resumable' : 'past'
      },
    }
  }
}

/**
 * The response's headers as they arrived: an aborted XHR forgets them, and a retry policy reads
 * Retry-After once the request is over.
 */
function headersOf(xhr: XMLHttpRequest): TransportResponse['headers'] {
  // Headers lowers the names and joins repeated ones, as fetch's do.
  const headers = new Headers()
  for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return headers
}
