/**
 * The stream source of `new EventSource(url)`: a connection attempt after another, each resolving the
 * headers and body functions, building the request, sending it over the transport and checking the
 * response, and the inactivity timeout of each.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (steps 15-16)
 */
import * as diagnostics from '../diagnostics'
import type { Settings } from '../options'
import type { StreamSink, StreamSource } from '../stream-source'
import type { Connection, SSERequest, TransportHandlers } from '../transports/types'
import { startInactivityTimer, type InactivityTimer } from './inactivity-timer'
import { buildRequest, readHeaders, withoutQueryParameter } from './request'

export function httpSource(url: string, settings: Settings, sink: StreamSink): StreamSource {
  const { heartbeatTimeout, lastEventIdQueryParameterName } = settings
  // Where the id goes once CORS refused its header.
  const fallbackParameterName = lastEventIdQueryParameterName ?? 'lastEventId'
  // The request's current URL: after redirects, the last one. Fetch appends each redirect's target to the
  // request's URL list, and reconnecting fetches the same request again, so it starts there (as Chromium does).
  let requestUrl = url
  const headersOrigin = new URL(url).origin
  // Aborted when the attempt stops: its pending async work (a headers function) is then dropped, and the
  // headers function's signal tells it.
  let attempt: AbortController | undefined
  let attempts = 0
  let request: SSERequest | undefined
  let connection: Connection | undefined
  let inactivity: InactivityTimer | undefined
  // Not in the spec: set when CORS refused the Last-Event-ID header; the id then goes in the query.
  let lastEventIdHeaderRefused = false
  // Not in the spec: a network error may be probed for a CORS refusal once an outage (the attempts
  // since the last open), so that a server that is down gets one extra request, not one a retry; and
  // never once the page's own origin has answered, where CORS does not apply (a redirect to another
  // origin would have taken the reconnects there).
  let probed = false
  let ownOrigin = false

  const handlers: TransportHandlers = {
    onResponse(response, finalUrl) {
      inactivity?.touch()
      const contentType = response.headers.get('content-type')
      // 15.3. If res's status is not 200, or its Content-Type is not `text/event-stream`, fail the connection.
      if (response.status !== 200) return sink.fail(diagnostics.status(response))
      if (!isEventStream(contentType)) return sink.fail(diagnostics.contentType(response, contentType))
      // Events carry the origin of the final URL, after redirects. The request's own last event ID
      // parameter is not part of the URL to reconnect to: the next request sets it again, or not.
      const next = withoutQueryParameter(finalUrl, request!.lastEventIdQueryParameter)
      // Not in the spec: a `fetch` option may add credentials the library cannot see (a wrapper that sets
      // Authorization), so it reaches another origin only through a redirect, which drops Authorization.
      if (!settings.fetch || new URL(next).origin === headersOrigin) requestUrl = next
      // 15.4. Otherwise, announce the connection and interpret res's body line by line.
      const { origin } = new URL(finalUrl)
      probed = false
      ownOrigin = origin === (globalThis as { location?: Location }).location?.origin
      sink.open(origin)
    },
    onChunk(text) {
      inactivity?.touch()
      sink.chunk(text)
    },
    // 14. processEventSourceEndOfBody: a body that ends reestablishes the connection (not a failure).
    // Not in the spec: with reconnectOnEnd false, it closes the source.
    onEnd: () => sink.fail(diagnostics.endOfStream(settings.reconnectOnEnd !== false)),
    // 15.1-15.2. A network error reestablishes the connection; an aborted one, or one known to be futile, fails it.
    onError(error, kind) {
      if (kind === 'network') return sink.fail(diagnostics.network(error))
      if (kind === 'cors' && 'last-event-id' in request!.headers) {
        // Not in the spec: browsers send Last-Event-ID without a preflight, fetch cannot, and a server that
        // does not allow the header in its preflight refuses the reconnect. Still CONNECTING (the error
        // event for this reconnect has fired), try again at once with the id in the query instead, and
        // say so once: a server that reads only the header would resume from the start.
        lastEventIdHeaderRefused = true
        // The server answered the probe: the retry without the header may be probed too.
        probed = false
        console.warn(`EventSource: CORS refused the Last-Event-ID header for ${requestUrl}; sending the id as the query parameter "${fallbackParameterName}" instead. Allow Last-Event-ID in the server's Access-Control-Allow-Headers, or read that parameter.`)
        return sink.restart()
      }
      sink.fail(kind === 'cors' ? diagnostics.cors(error, requestUrl) : diagnostics.aborted(error))
    },
    renew: () => sink.restart(),
  }

  async function connect(previousStatus: number | undefined): Promise<void> {
    const { signal } = (attempt = new AbortController())
    attempts++
    // Not in the spec: the inactivity timeout also covers a headers function that never settles.
    if (heartbeatTimeout) inactivity = startInactivityTimer(heartbeatTimeout, () => sink.fail(diagnostics.inactivity(heartbeatTimeout)))
    let init, body
    try {
      init = await resolve(settings.headers, { attempt: attempts, status: previousStatus, signal })
      body = await resolve(settings.body)
    } catch (error) {
      if (!signal.aborted) sink.fail(diagnostics.requestFunction(error))
      return
    }
    // close() or a timeout while a function was pending: its result is discarded.
    if (signal.aborted) return
    // Not in the spec: a header HTTP cannot carry is refused before anything is sent.
    const headers = readHeaders(init)
    if ('invalid' in headers) return sink.fail(diagnostics.invalidHeader(headers.invalid))
    // Not in the spec: a custom Last-Event-ID header is how pages resume from an id they stored.
    const lastEventId = sink.begin(headers.get('last-event-id'))
    try {
      request = buildRequest({
        // The settings give withCredentials, method and forwardHeadersOnCrossOriginRedirect.
        ...settings,
        url: requestUrl,
        headersOrigin,
        headers,
        body,
        lastEventId,
        lastEventIdHeader: !lastEventIdHeaderRefused,
        corsProbe: !probed && !ownOrigin,
        lastEventIdQueryParameterName: lastEventIdHeaderRefused ? fallbackParameterName : lastEventIdQueryParameterName,
      })
      probed = true
      connection = settings.transport(request, handlers)
    } catch (error) {
      // Not in the spec: a platform that lacks what the request needs (TextEncoder on an old React
      // Native, say) fails the connection with the reason, rather than leave it CONNECTING for good.
      sink.fail(diagnostics.request(error))
    }
  }

  return {
    connect: (previousStatus) => void connect(previousStatus),
    stop() {
      attempt?.abort()
      connection?.abort()
      connection = undefined
      inactivity?.stop()
      inactivity = undefined
    },
    overdue: () => !!inactivity?.overdue(),
    onEvent: () => connection?.onEvent?.(),
    onLastEventId: (lastEventId) => connection?.onLastEventId?.(lastEventId),
  }
}

/**
 * An option's value, from its function when it is one. Async, so that even a function that throws at
 * once reports it after the constructor has returned.
 */
async function resolve<T, A extends unknown[]>(value: T | ((...args: A) => T | Promise<T>) | undefined, ...args: A): Promise<T | undefined> {
  return typeof value === 'function' ? (value as (...args: A) => T | Promise<T>)(...args) : value
}

/**
 * The MIME type's essence must be text/event-stream, in any case; parameters such as charset are allowed
 * (and ignored). MIME parsing strips HTTP whitespace only (not NBSP and the others trim() removes).
 */
function isEventStream(contentType: string | null): boolean {
  return contentType !== null && /^[\t\n\r ]*text\/event-stream[\t\n\r ]*(;|$)/i.test(contentType)
}
