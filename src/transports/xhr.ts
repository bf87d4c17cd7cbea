/**
 * Streams a response over `XMLHttpRequest`, for platforms whose fetch cannot stream a body (React
 * Native, older browsers and WebViews): each progress event hands on the text `responseText` gained.
 *
 * `responseText` keeps every character of the response: the connection reports how many it holds, and
 * the EventSource renews the request past a limit.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (steps 6-15)
 */
import { refusedByCors } from './cors'
import type { FetchLike } from './fetch'
import type { Transport, TransportResponse } from './types'

const HEADERS_RECEIVED = 2
const LOADING = 3

/** `fetch`, where the platform has one, tells a CORS refusal from a network error. */
export function createXhrTransport(fetch: FetchLike | undefined): Transport {
  return (request, handlers) => {
    const xhr = new XMLHttpRequest()
    let stopped = false
    let responded = false
    // Characters of responseText handed on so far.
    let delivered = 0

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
      get received() {
        return delivered
      },
    }
  }
}

/**
 * The response's headers as they arrived: an aborted XHR forgets them, and a retry policy reads
 * Retry-After once the request is over.
 */
function headersOf(xhr: XMLHttpRequest): TransportResponse['headers'] {
  const headers = new Map<string, string>()
  for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 1) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value)
  }
  return { get: (name) => headers.get(name.toLowerCase()) ?? null }
}
