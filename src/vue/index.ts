/**
 * `useEventSource` for Vue (`sse-polyfill/vue`), with VueUse's arguments and return shape, so that
 * changing the import is the whole migration; built on acquire(), so components on the same request
 * share one connection. Nothing opens during server rendering. Uses the package's public API only.
 */
import { getCurrentInstance, getCurrentScope, onMounted, onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from 'vue'
import { acquire, type EventSourceErrorEvent, type EventSourceOptions, type Lease, type ReceivedEvent, type SourceView } from 'sse-polyfill'

export type { ReceivedEvent } from 'sse-polyfill'

export type EventSourceStatus = 'CONNECTING' | 'OPEN' | 'CLOSED'

export interface UseEventSourceOptions<Data = string> extends EventSourceOptions {
  /** Open at once (at mount, in a component). Default true. */
  immediate?: boolean
  /** Open the new URL when a ref or getter URL changes. Default true. */
  autoConnect?: boolean
  /**
   * VueUse's option: open again after an error that closed the source (a fatal status), `delay` ms
   * later (1000), up to `retries` times (-1: no limit; a function: while it returns true), then call
   * `onFailed`. Network errors need none of it: the source reconnects by itself.
   */
  autoReconnect?: boolean | { retries?: number | (() => boolean); delay?: number; onFailed?: () => void }
  /** Called for every event, in order: none is lost to Vue's batching of watchers. */
  onMessage?: (message: ReceivedEvent<Data>, event: MessageEvent<string>) => void
  /** Turns an event's data into `data` and `lastEvent.data` (e.g. `JSON.parse`). */
  parse?: (data: string, event: MessageEvent<string>) => Data
  /** VueUse's name for `parse`. */
  serializer?: { read?: (data?: string) => Data }
}

export interface UseEventSourceReturn<Events extends readonly string[], Data = string> {
  status: ShallowRef<EventSourceStatus>
  /** The last event's data. Watch `lastEvent` to get its type and data together. */
  data: ShallowRef<Data | null>
  /** The last event's type when it is a named one, null for `message`. */
  event: ShallowRef<Events[number] | null>
  /** The last event: type, data, lastEventId and origin in one value, set once per event. */
  lastEvent: ShallowRef<ReceivedEvent<Data> | null>
  lastEventId: ShallowRef<string | null>
  error: ShallowRef<EventSourceErrorEvent | null>
  /** This component's view of the connection (null while none is open). */
  eventSource: ShallowRef<SourceView | null>
  /** Opens anew (after close(), or to start when `immediate` is false). */
  open(): void
  /** Lets go of the connection (other components on it keep it); no retry follows. */
  close(): void
}

const STATUS: EventSourceStatus[] = ['CONNECTING', 'OPEN', 'CLOSED']

export function useEventSource<const Events extends readonly string[] = [], Data = string>(
  url: MaybeRefOrGetter<string | URL | null | undefined>,
  events: Events = [] as unknown as Events,
  options: UseEventSourceOptions<Data> = {},
): UseEventSourceReturn<Events, Data> {
  const { immediate = true, autoConnect = true, autoReconnect, onMessage, parse = options.serializer?.read, serializer, signal, ...init } = options
  const status = shallowRef<EventSourceStatus>('CLOSED')
  const data = shallowRef<Data | null>(null)
  const event = shallowRef<Events[number] | null>(null)
  const lastEvent = shallowRef<ReceivedEvent<Data> | null>(null)
  const lastEventId = shallowRef<string | null>(null)
  const error = shallowRef<EventSourceErrorEvent | null>(null)
  const eventSource = shallowRef<SourceView | null>(null)
  let lease: Lease | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retries = 0

  const release = (): void => {
    clearTimeout(retryTimer)
    lease?.release()
    lease = undefined
    eventSource.value = null
  }

  const connect = (): void => {
    const target = toValue(url)
    if (target == null || signal?.aborted) {
      status.value = 'CLOSED'
      return
    }
    lease = acquire(target, init)
    const source = (eventSource.value = lease.source)
    status.value = STATUS[source.readyState]!
    // The connection may be open already (another component's).
    if (source.lastEventId) lastEventId.value = source.lastEventId
    source.addEventListener('open', () => {
      status.value = 'OPEN'
      error.value = null
    })
    source.addEventListener('error', (failure) => {
      status.value = STATUS[source.readyState]!
      error.value = failure as EventSourceErrorEvent
      if (source.readyState === 2 && autoReconnect) retry()
    })
    const receive = (received: Event): void => {
      const message = received as MessageEvent<string>
      // One value first, so that a watcher of any ref finds the others already set.
      const kept = { type: message.type, data: parse ? parse(message.data, message) : (message.data as Data), lastEventId: message.lastEventId, origin: message.origin }
      lastEvent.value = kept
      event.value = message.type === 'message' ? null : message.type
      lastEventId.value = message.lastEventId
      data.value = kept.data
      onMessage?.(kept, message)
    }
    for (const type of new Set(['message', ...events])) source.addEventListener(type, receive)
  }

  const retry = (): void => {
    const { retries: allowed = -1, delay = 1000, onFailed } = autoReconnect === true ? {} : autoReconnect || {}
    retries++
    if (typeof allowed === 'function' ? allowed() : allowed < 0 || retries < allowed) {
      retryTimer = setTimeout(() => {
        release()
        connect()
      }, delay)
    } else onFailed?.()
  }

  const open = (): void => {
    release()
    retries = 0
    connect()
  }

  const close = (): void => {
    release()
    status.value = 'CLOSED'
  }

  // In a component, at mount: server rendering mounts nothing, so it opens nothing. Elsewhere (a store,
  // a bare effectScope), at once where there is a document.
  if (immediate) {
    if (getCurrentInstance()) onMounted(open)
    else if (typeof document !== 'undefined') open()
  }
  if (autoConnect) watch(() => toValue(url), open)
  // The `signal` option closes this hook's connection for good, as it closes an EventSource.
  const disposed = new AbortController()
  signal?.addEventListener('abort', close, { once: true, signal: disposed.signal })
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed.abort()
      close()
    })
  }

  return { status, data, event, lastEvent, lastEventId, error, eventSource, open, close }
}
