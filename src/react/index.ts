'use client'
/**
 * `useEventSource` for React (`sse-polyfill/react`). Built on `useSyncExternalStore` and on acquire():
 * components on the same request share one connection, StrictMode's second mount reuses it, and
 * nothing opens during render or on the server. Uses the package's public API only.
 */
import { useInsertionEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { acquire, requestKey, type EventSourceErrorEvent, type EventSourceOptions, type Lease, type ReceivedEvent } from 'sse-polyfill'

export type { ReceivedEvent } from 'sse-polyfill'

export interface UseEventSourceOptions<Data = string> extends EventSourceOptions {
  /** Named events to receive besides `message`. */
  events?: readonly string[]
  /** Called for every event, in order: none is lost to React's batching of renders. */
  onMessage?: (message: ReceivedEvent<Data>, event: MessageEvent<string>) => void
  onOpen?: (event: Event) => void
  onError?: (event: EventSourceErrorEvent) => void
  /** Turns an event's data into `lastEvent.data` (e.g. `JSON.parse`); what it throws is reported, and the event skipped. */
  parse?: (data: string, event: MessageEvent<string>) => Data
}

export interface EventSourceState<Data = string> {
  /** 0 connecting, 1 open, 2 closed (also while `url` is null). */
  readyState: 0 | 1 | 2
  lastEvent: ReceivedEvent<Data> | null
  lastEventId: string
  /** The last `error` event since the last `open`. */
  error: EventSourceErrorEvent | null
}

export interface UseEventSourceResult<Data = string> extends EventSourceState<Data> {
  /** Lets go of the connection for this component (others on it keep it) until `reconnect()`. */
  close(): void
  /** Reconnects at once (with Last-Event-ID); after `close()` or a fatal error, opens anew. */
  reconnect(): void
}

const CONNECTING = 0
const OPEN = 1
const CLOSED = 2

/**
 * The stream at `url` (null: none). Callbacks and headers are read when used, so passing new functions
 * or a new token on each render changes nothing until the next connect; a change to the URL, `events`
 * or an option that changes the request (see requestKey()) moves to another connection.
 */
export function useEventSource<Data = string>(url: string | URL | null, options: UseEventSourceOptions<Data> = {}): UseEventSourceResult<Data> {
  const latest = useRef(options)
  useInsertionEffect(() => {
    latest.current = options
  })
  // Objects and functions (a `body` made in the render, a transport) are taken when the connection
  // opens, as callbacks are: were they in the key, each render would move to another connection.
  const { body, events = [] } = options
  const key = url === null ? '' : requestKey(url, { ...options, body: typeof body === 'string' ? body : undefined, transport: undefined }) + JSON.stringify(events)
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key covers the URL and what counts of the options
  const store = useMemo(() => createStore(url, latest), [key])
  const state = useSyncExternalStore(store.subscribe, store.snapshot, store.initial)
  return { ...state, close: store.close, reconnect: store.reconnect }
}

interface Store<Data> {
  subscribe(onChange: () => void): () => void
  snapshot(): EventSourceState<Data>
  initial(): EventSourceState<Data>
  close(): void
  reconnect(): void
}

function createStore<Data>(url: string | URL | null, latest: { current: UseEventSourceOptions<Data> }): Store<Data> {
  const initial: EventSourceState<Data> = { readyState: url === null ? CLOSED : CONNECTING, lastEvent: null, lastEventId: '', error: null }
  let state = initial
  const watchers = new Set<() => void>()
  let lease: Lease | undefined
  // Aborted when this store lets go of its lease: removes its listener on the `signal` option.
  let leaving: AbortController | undefined
  let closed = false

  const update = (changes: Partial<EventSourceState<Data>>): void => {
    const keys = Object.keys(changes) as Array<keyof EventSourceState<Data>>
    if (keys.every((key) => Object.is(state[key], changes[key]))) return
    state = { ...state, ...changes }
    for (const watcher of watchers) watcher()
  }

  const open = (): void => {
    if (url === null || lease || closed) return
    const { events = [], onMessage, onOpen, onError, parse, signal, ...init } = latest.current
    if (signal?.aborted) return close()
    leaving = new AbortController()
    signal?.addEventListener('abort', close, { once: true, signal: leaving.signal })
    lease = acquire(url, { ...init, headers: (context) => (typeof latest.current.headers === 'function' ? latest.current.headers(context) : (latest.current.headers ?? {})) })
    const { source } = lease
    // The connection may be open already (another component's): this component's opens now.
    update({ readyState: source.readyState, lastEventId: source.lastEventId })
    if (source.readyState === OPEN) latest.current.onOpen?.(new Event('open'))
    source.addEventListener('open', (event) => {
      update({ readyState: OPEN, error: null })
      latest.current.onOpen?.(event)
    })
    source.addEventListener('error', (event) => {
      update({ readyState: source.readyState, error: event as EventSourceErrorEvent })
      latest.current.onError?.(event as EventSourceErrorEvent)
    })
    const receive = (event: Event): void => {
      const message = event as MessageEvent<string>
      const { parse, onMessage } = latest.current
      const lastEvent = { type: message.type, data: parse ? parse(message.data, message) : (message.data as Data), lastEventId: message.lastEventId, origin: message.origin }
      update({ lastEvent, lastEventId: message.lastEventId })
      onMessage?.(lastEvent, message)
    }
    for (const type of new Set(['message', ...events])) source.addEventListener(type, receive)
  }

  const release = (): void => {
    leaving?.abort()
    lease?.release()
    lease = undefined
  }

  const close = (): void => {
    closed = true
    release()
    update({ readyState: CLOSED })
  }

  return {
    subscribe(onChange) {
      watchers.add(onChange)
      open()
      return () => {
        watchers.delete(onChange)
        if (!watchers.size) release()
      }
    },
    snapshot: () => state,
    initial: () => initial,
    close,
    reconnect() {
      if (lease && lease.source.readyState !== CLOSED) return lease.source.reconnect()
      closed = false
      release()
      if (watchers.size) open()
    },
  }
}
