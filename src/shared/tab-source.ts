/**
 * The stream source of a shared EventSource (`shared: true`): one instance, the leader, holds the
 * connection and relays its events to the others over BroadcastChannel; the leader is whoever holds a
 * Web Lock named after the key. Each instance takes part on its own, so several in one tab work as
 * several tabs do. Every instance, the leader's too, dispatches the relayed events through its own
 * parser, so they arrive as from the network; a follower promoted to leader swaps its source without
 * an event and connects with the last event ID it dispatched. The leader's options (headers,
 * heartbeatTimeout, policies, transport) carry the connection for all.
 */
import { closedSignals, failures } from '../closed'
import { httpSource } from '../connection/http-source'
import * as diagnostics from '../diagnostics'
import type { EventSource } from '../event-source'
import { EventSourceErrorEvent } from '../events'
import type { Settings } from '../options'
import { createParser } from '../parser'
import { reportListenerError } from '../report-error'
import type { StreamSink, StreamSource } from '../stream-source'
import { eventText, isRelay, PROTOCOL_VERSION, type Relay, type RelayBody } from './protocol'

export type SharedRole = 'leader' | 'follower' | 'solo'

export interface TabSharing {
  /** The stream source the EventSource is constructed with. */
  source(sink: StreamSink): StreamSource
  /** Joins the other tabs, once the EventSource exists; returns the role it has at each moment. */
  start(instance: EventSource): () => SharedRole
}

const OPEN = 1
const CLOSED = 2

interface Outcome {
  message: string
  closed: boolean
}

// The leader's parser starts each connection with this last event ID, which no stream can set (ids
// with NUL are ignored): an event that still carries it came without an `id` field.
const UNSET = '\0'

/**
 * How long a follower promoted to leader waits for the last leader's final word before it connects:
 * what a leader sent just before it went may still be on its way, and resuming from an older id would
 * repeat it.
 */
const HAND_OVER_WAIT = 100

export function tabSharing(url: string, settings: Settings, key: string): TabSharing {
  // The protocol's version in the names: tabs of another version of the library keep apart.
  const name = `sse-polyfill:v${PROTOCOL_VERSION}:${key}`
  let sink!: StreamSink
  let instance!: EventSource
  let role: SharedRole = 'follower'
  let channel: BroadcastChannel | undefined
  let http: StreamSource | undefined
  // The leader's connection attempt is under way (a stale connect() from before the promotion waits).
  let active = false
  let origin = ''
  // Whether the leader's last word was "bye" (see elect()).
  let saidBye = false
  let handOver: ReturnType<typeof setTimeout> | undefined
  // The last event ID the leader's connection began from, and whether no event or id has come on it yet.
  let resumedFrom = ''
  let firstEvent = false
  // What this instance's own `error` event said, read before the page's listeners run.
  let failed: Outcome | undefined
  let release: (() => void) | undefined
  let withdraw: AbortController | undefined

  const post = (body: RelayBody): void => channel?.postMessage({ v: PROTOCOL_VERSION, ...body } as Relay)

  // Every instance, the leader's included, takes a relayed message here.
  const receive = (message: RelayBody): void => {
    if (instance.readyState === CLOSED) return
    if (message.kind === 'event') {
      // A server that replays the given id inclusively sends that event again first: dropped.
      if (message.first && message.lastEventId !== '' && message.lastEventId === instance.lastEventId) return
      sink.chunk(eventText(message.type, message.data, message.lastEventId))
    } else if (message.kind === 'id') sink.chunk(`id: ${message.lastEventId}\n\n`)
    else if (message.kind === 'retry') sink.chunk(`retry: ${message.milliseconds}\n\n`)
    else if (message.kind === 'open') sink.open(message.origin)
    else if (message.kind === 'error') followFailure(message)
    else if (message.kind === 'bye') handOver !== undefined && lead()
    else if (role === 'leader' && instance.readyState === OPEN) post({ kind: 'open', origin })
  }

  /** The leader's connection failed: this instance fails as it did, without asking its own policies. */
  const followFailure = ({ closed, clean, message, status, statusText }: Extract<RelayBody, { kind: 'error' }>): void => {
    if (role === 'leader') return
    const event = new EventSourceErrorEvent({ message, status, statusText })
    if (closed) {
      // As the leader's: a clean end (reconnectOnEnd: false, 204) ends a messages() loop without throwing.
      if (!clean) failures.set(instance, event.error)
      instance.close()
    } else {
      // CONNECTING, with no event: this instance's connect() then waits for the leader's.
      instance.reconnect()
    }
    try {
      instance.dispatchEvent(event)
    } catch (error) {
      reportListenerError(error)
    }
  }

  // The leader's own parser: each event goes to every instance as a whole event, and the transport
  // hears of it as it would from the instance's own parser (the XHR transport renews its request by it).
  const deliver = (message: RelayBody): void => {
    receive(message)
    post(message)
  }
  const parser = createParser({
    onEvent(event) {
      const hasId = event.lastEventId !== UNSET
      deliver({ kind: 'event', type: event.type, data: event.data, lastEventId: hasId ? event.lastEventId : resumedFrom, first: firstEvent && hasId })
      firstEvent = false
      http?.onEvent?.()
    },
    onLastEventId(lastEventId) {
      if (lastEventId === UNSET) return
      firstEvent = false
      deliver({ kind: 'id', lastEventId })
      http?.onLastEventId?.(lastEventId)
    },
    onRetry: (milliseconds) => deliver({ kind: 'retry', milliseconds }),
    maxEventSize: settings.maxEventSize,
    onError: () => leaderSink.fail(diagnostics.eventTooLarge(settings.maxEventSize)),
  })

  const leaderSink: StreamSink = {
    begin(seed) {
      resumedFrom = sink.begin(seed)
      parser.reset(UNSET)
      firstEvent = true
      return resumedFrom
    },
    open(responseOrigin) {
      origin = responseOrigin
      sink.open(origin)
      post({ kind: 'open', origin })
    },
    chunk: (text) => parser.feed(text),
    fail(failure) {
      active = false
      const { status, statusText, clean } = failure
      failed = undefined
      sink.fail(failure)
      // What this instance did (a silent retry fires nothing), the others do: its message included.
      // (The error listener set `failed` during sink.fail, which TypeScript cannot see.)
      const outcome = failed as Outcome | undefined
      if (outcome) post({ kind: 'error', ...outcome, clean: !!clean, status, statusText })
    },
    restart: () => sink.restart(),
  }

  const connect = (previousStatus?: number): void => {
    if (instance.readyState === CLOSED) return
    // A follower asks the leader whether its connection is open (after reconnect(), say).
    if (role !== 'leader') return post({ kind: 'hello' })
    if (active) return
    active = true
    ;(http ??= httpSource(url, settings, leaderSink)).connect(previousStatus)
  }

  const lead = (): void => {
    clearTimeout(handOver)
    handOver = undefined
    if (instance.readyState === CLOSED) return
    role = 'leader'
    connect()
  }

  // The lock is held for as long as this instance leads: until it closes (or the page goes into the
  // back/forward cache), or the tab dies, which the browser releases it for.
  const elect = (): void => {
    withdraw = new AbortController()
    const { signal } = withdraw
    // A successor (the lock was held when this instance asked) waits for its predecessor's last word:
    // "bye" after its last events, or a fatal error that closes this instance too. A crashed leader
    // says nothing, hence the time limit.
    const hold = (successor: boolean): Promise<void> | undefined => {
      if (instance.readyState === CLOSED) return undefined
      if (successor && !saidBye) handOver = setTimeout(lead, HAND_OVER_WAIT)
      else lead()
      return new Promise<void>((resolve) => (release = resolve))
    }
    navigator.locks
      .request(name, { ifAvailable: true }, (lock) => (lock ? hold(false) : navigator.locks.request(name, { signal }, () => hold(true))))
      .catch(() => {})
  }

  const resign = (): void => {
    clearTimeout(handOver)
    handOver = undefined
    if (role === 'leader') {
      active = false
      http?.stop()
      post({ kind: 'bye' })
    }
    role = 'follower'
    withdraw?.abort()
    release?.()
    release = undefined
  }

  const join = (): void => {
    channel = new BroadcastChannel(name)
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      if (!isRelay(data)) return
      if (data.kind !== 'hello') saidBye = data.kind === 'bye'
      receive(data)
    }
    post({ kind: 'hello' })
    elect()
  }

  const leave = (): void => {
    resign()
    channel?.close()
    channel = undefined
  }

  return {
    source(givenSink) {
      sink = givenSink
      return {
        connect: (previousStatus) => instance && connect(previousStatus),
        stop() {
          if (role !== 'leader') return
          active = false
          http?.stop()
        },
        overdue: () => http?.overdue?.() ?? false,
      }
    },
    start(created) {
      instance = created
      const closed = closedSignals.get(instance)!
      // Closed already (an aborted `signal`): nothing to join.
      if (closed.aborted) return () => 'solo'
      // Runs before the page's listeners, which may close() the source.
      instance.addEventListener('error', (event) => (failed = { message: (event as EventSourceErrorEvent).message, closed: instance.readyState === CLOSED }))
      // The back/forward cache keeps a page only without a lock held or a channel open; a page restored
      // joins again, and what was sent meanwhile is lost to it.
      const onPageHide = (event: PageTransitionEvent): void => void (event.persisted && leave())
      const onPageShow = (event: PageTransitionEvent): void => void (event.persisted && instance.readyState !== CLOSED && join())
      const inPage = typeof addEventListener === 'function' && 'onpagehide' in globalThis
      if (inPage) {
        addEventListener('pagehide', onPageHide)
        addEventListener('pageshow', onPageShow)
      }
      // After the error event of a fatal failure has been relayed (the signal aborts before it fires).
      closed.addEventListener('abort', () =>
        queueMicrotask(() => {
          leave()
          if (inPage) {
            removeEventListener('pagehide', onPageHide)
            removeEventListener('pageshow', onPageShow)
          }
        }),
      )
      join()
      return () => role
    },
  }
}
