/**
 * Not in the spec: one connection per request, shared by whoever asks for it (components, hooks). Each
 * `acquire()` gets a view that behaves as an EventSource of its own; the connection closes on the next
 * macrotask after the last view closes, so that React StrictMode's unmount and remount, or a hot
 * reload, reuses it.
 */
import { closedSignals } from './closed'
import { EventSource } from './event-source'
import type { HeadersInit } from './connection/request'
import type { EventSourceOptions, HeadersContext, HeadersFunction } from './options'
import { createSourceView, type SourceView } from './source-view'
import { resolveUrl } from './url'

export type { SourceView } from './source-view'

export interface Lease {
  /** This holder's view of the shared connection: its `close()` is `release()`. */
  source: SourceView
  /** Lets go of the connection; it closes on the next macrotask unless someone acquires it again. */
  release(): void
}

/** An event as the framework adapters keep it (`lastEvent`): its `data` as their `parse` made it. */
export interface ReceivedEvent<Data = string> {
  type: string
  data: Data
  lastEventId: string
  origin: string
}

interface Entry {
  source: EventSource
  /** The views open on it, oldest first: the newest one's headers go with the next request. */
  holders: Array<EventSourceOptions | undefined>
  closing?: ReturnType<typeof setTimeout>
}

const entries = new Map<string, Entry>()

/**
 * The options that change what is requested or how the stream is read: views with the same key share a
 * connection. Header values are left out, so that a refreshed token does not split it (the newest
 * holder's headers are sent), and so are `signal` (each view's own), `fetch` and `policies` (the first
 * holder's carry the connection). Functions and objects count by identity; `xhr()` and `fetchOrXhr()`
 * give the same transport for the same options. The URL counts as given: acquire() resolves it first,
 * so that a relative and an absolute URL of one stream share; a key made on a server resolves nothing.
 */
export function requestKey(url: string | URL, options?: EventSourceOptions | null): string {
  const { withCredentials, method, body, transport, heartbeatTimeout, lastEventIdQueryParameterName, maxEventSize, reconnectOnEnd, forwardHeadersOnCrossOriginRedirect } = { ...options }
  return JSON.stringify([String(url), !!withCredentials, method?.toUpperCase() ?? 'GET', identify(body), identify(transport), heartbeatTimeout, lastEventIdQueryParameterName, maxEventSize, reconnectOnEnd !== false, !!forwardHeadersOnCrossOriginRedirect])
}

/**
 * A view of the connection for `url` and `options`, opening it if there is none (or if it has closed
 * for good). Throws as the EventSource constructor does (an invalid URL).
 */
export function acquire(url: string | URL, options?: EventSourceOptions | null): Lease {
  const key = requestKey(resolveUrl(url), options)
  const holder = options ?? undefined
  // As a source built with an aborted signal: closed from the start, and nothing is requested.
  if (holder?.signal?.aborted) {
    const view = createSourceView(new EventSource(url, holder), () => {})
    return { source: view, release: () => view.close() }
  }
  let entry = entries.get(key)
  if (entry && entry.source.readyState !== EventSource.CLOSED) {
    clearTimeout(entry.closing)
    entry.holders.push(holder)
  } else {
    entry = openEntry(url, holder)
    entries.set(key, entry)
  }
  const shared = entry
  const view = createSourceView(shared.source, () => {
    shared.holders.splice(shared.holders.indexOf(holder), 1)
    if (shared.holders.length) return
    shared.closing = setTimeout(() => {
      if (shared.holders.length) return
      shared.source.close()
      if (entries.get(key) === shared) entries.delete(key)
    })
  })
  // For as long as the view is open.
  holder?.signal?.addEventListener('abort', () => view.close(), { once: true, signal: closedSignals.get(view) })
  return { source: view, release: () => view.close() }
}

function openEntry(url: string | URL, holder: EventSourceOptions | undefined): Entry {
  // The holder is in place before the constructor's first connect asks for its headers.
  const holders = [holder]
  const headers: HeadersFunction = (context) => resolveHeaders(holders[holders.length - 1]?.headers, context)
  return { holders, source: new EventSource(url, { ...holder, headers, signal: undefined }) }
}

function resolveHeaders(headers: EventSourceOptions['headers'], context: HeadersContext): HeadersInit | Promise<HeadersInit> {
  return typeof headers === 'function' ? headers(context) : (headers ?? {})
}

const identities = new WeakMap<object, number>()
let lastIdentity = 0

/** A value for the key: a string as it is, an object or a function by identity. */
function identify(value: unknown): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value
  let identity = identities.get(value)
  if (identity === undefined) identities.set(value, (identity = ++lastIdentity))
  return { identity }
}
