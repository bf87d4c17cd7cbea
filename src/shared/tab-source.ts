/**
 * The stream source of a shared EventSource (`shared: true`): one tab, the leader, holds the connection
 * and relays its events to the others over BroadcastChannel; the leader is whoever holds a Web Lock
 * named after the key. Each instance takes part on its own, so several in one tab work as several tabs
 * do. Every instance, the leader's too, dispatches the relayed events through its own parser, so they
 * arrive as from the network; a follower promoted to leader swaps its source without an event and
 * connects with the last event ID it dispatched.
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

// The leader's parser starts each connection with this last event ID, which no stream can set (ids
// with NUL are ignored): an event that still carries it came without an `id` field.
const UNSET = '\0'

export function tabSharing(url: string, settings: Settings, key: string): TabSharing {
  const name = `sse-polyfill:${key}`
  let sink!: StreamSink
  let instance!: EventSource
  let role: SharedRole = 'follower'
  let channel: BroadcastChannel | undefined
  let http: StreamSource | undefined
  // The leader's connection attempt is under way (a stale connect() from before the promotion waits).
  let active = false
  let origin = ''
  // The last event ID this tab's connection began from, and whether no event has come on it yet.
  let resumedFrom = ''
  let firstEvent = false
  let errorEvent: Event | undefined
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
    else if (role === 'leader' && instance.readyState === OPEN) post({ kind: 'open', origin })
  }

  /**
   * The leader's connection failed: this instance fails as it did, without asking its own policies.
   * A tab just promoted still follows the last leader's fatal error (its word may come after the lock).
   */
  const followFailure = ({ closed, message, status, statusText }: Extract<RelayBody, { kind: 'error' }>): void => {
    if (role === 'leader' && !closed) return
    const event = new EventSourceErrorEvent({ message, status, statusText })
    if (closed) {
      failures.set(instance, event.error)
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

  // The leader's own parser: each event goes to every instance as a whole event.
  const deliver = (message: RelayBody): void => {
    receive(message)
    post(message)
  }
  const parser = createParser({
    onEvent(event) {
      const hasId = event.lastEventId !== UNSET
      deliver({ kind: 'event', type: event.type, data: event.data, lastEventId: hasId ? event.lastEventId : resumedFrom, first: firstEvent && hasId })
      firstEvent = false
    },
    onLastEventId: (lastEventId) => lastEventId === UNSET || deliver({ kind: 'id', lastEventId }),
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
      const { status, statusText } = failure
      errorEvent = undefined
      sink.fail(failure)
      // What this instance did (a silent retry fires nothing), the others do: its message included.
      if (errorEvent) post({ kind: 'error', closed: instance.readyState === CLOSED, message: (errorEvent as EventSourceErrorEvent).message, status, statusText })
    },
    restart: () => sink.restart(),
  }

  const connect = (previousStatus?: number): void => {
    if (role !== 'leader' || active || instance.readyState === CLOSED) return
    active = true
    ;(http ??= httpSource(url, settings, leaderSink)).connect(previousStatus)
  }

  const stopLeading = (): void => {
    active = false
    http?.stop()
  }

  // The lock is held for as long as this instance leads: until it closes (or the page goes into the
  // back/forward cache), or the tab dies, which the browser releases it for.
  const elect = (): void => {
    withdraw = new AbortController()
    navigator.locks
      .request(name, { signal: withdraw.signal }, () => {
        if (instance.readyState === CLOSED) return undefined
        role = 'leader'
        // After the messages already sent to this tab: the last leader's fatal error closes it first.
        setTimeout(connect)
        return new Promise<void>((resolve) => (release = resolve))
      })
      .catch(() => {})
  }

  const resign = (): void => {
    stopLeading()
    role = 'follower'
    withdraw?.abort()
    release?.()
    release = undefined
  }

  return {
    source(givenSink) {
      sink = givenSink
      return {
        connect: (previousStatus) => instance && connect(previousStatus),
        stop: () => role === 'leader' && stopLeading(),
        overdue: () => http?.overdue?.() ?? false,
      }
    },
    start(created) {
      instance = created
      channel = new BroadcastChannel(name)
      channel.onmessage = ({ data }: MessageEvent<unknown>) => isRelay(data) && receive(data)
      instance.addEventListener('error', (event) => (errorEvent = event))
      const onPageHide = (event: PageTransitionEvent): void => void (event.persisted && resign())
      const onPageShow = (event: PageTransitionEvent): void => void (event.persisted && instance.readyState !== CLOSED && elect())
      const inPage = typeof addEventListener === 'function' && 'onpagehide' in globalThis
      if (inPage) {
        addEventListener('pagehide', onPageHide)
        addEventListener('pageshow', onPageShow)
      }
      // After the error event of a fatal failure has been relayed (the signal aborts before it fires).
      closedSignals.get(instance)!.addEventListener('abort', () =>
        queueMicrotask(() => {
          resign()
          channel?.close()
          channel = undefined
          if (inPage) {
            removeEventListener('pagehide', onPageHide)
            removeEventListener('pageshow', onPageShow)
          }
        }),
      )
      post({ kind: 'hello' })
      elect()
      return () => role
    },
  }
}
