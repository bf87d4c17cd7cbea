/**
 * `sse-polyfill/shared`: the EventSource with the `shared` option, which lets every tab of an origin
 * (and every instance in one) with the same key use one connection. Not in the spec.
 */
import { EventSource as SpecEventSource, provideSource, type NamedEvents } from '../event-source'
import { normaliseOptions, type EventSourceOptions } from '../options'
import { resolveUrl } from '../url'
import { tabSharing, type SharedRole } from './tab-source'

export type { SharedRole } from './tab-source'
export type { Relay } from './protocol'

export interface SharedEventSourceOptions extends EventSourceOptions {
  /**
   * Share one connection with the other tabs of this origin that ask for the same `key`: by default,
   * the URL, the method, a string body and withCredentials (never header values). Where Web Locks or
   * BroadcastChannel is missing, or the page is not a secure context, the source keeps a connection of
   * its own (`sharedRole` "solo"), and says so once.
   */
  shared?: boolean | { key?: string }
}

let warned = false

/** Tabs share only where all they need is there; else a warning, once per page. */
function canShare(url: string): boolean {
  const scope = globalThis as { navigator?: { locks?: { request?: unknown } }; isSecureContext?: boolean }
  if (typeof BroadcastChannel === 'function' && typeof scope.navigator?.locks?.request === 'function' && scope.isSecureContext) return true
  if (!warned) console.warn(`EventSource: shared needs Web Locks and BroadcastChannel in a secure context (https, or localhost); ${url} gets a connection of its own in this page.`)
  warned = true
  return false
}

function keyOf(url: string, { shared, method, body, withCredentials }: SharedEventSourceOptions): string {
  if (typeof shared === 'object' && shared.key !== undefined) return `key:${shared.key}`
  return JSON.stringify([url, method?.toUpperCase() ?? 'GET', typeof body === 'string' ? body : body === undefined ? null : 'non-string body', !!withCredentials])
}

export class EventSource<Events extends NamedEvents<Events> = {}> extends SpecEventSource<Events> {
  readonly #role: () => SharedRole

  constructor(...args: [url: string | URL, options?: SharedEventSourceOptions | null]) {
    const [url, options] = args
    const resolved = options?.shared && args.length ? resolveUrl(url) : ''
    // http(s) only: the spec's shell fails any other URL itself.
    const sharing = /^https?:/i.test(resolved) && canShare(resolved) ? tabSharing(resolved, normaliseOptions(options), keyOf(resolved, options!)) : undefined
    if (sharing) {
      provideSource(sharing.source)
      // The leader's parser enforces maxEventSize on the stream; the relayed text an instance's own
      // parser reads is a little longer (a space after each field name).
      args[1] = { ...options, maxEventSize: Infinity }
    }
    super(...args)
    this.#role = sharing?.start(this) ?? (() => 'solo')
  }

  /** Whether this instance holds the shared connection ("leader"), receives it ("follower"), or has its own ("solo"). */
  get sharedRole(): SharedRole {
    return this.#role()
  }
}

export { EventSource as EventSourcePolyfill }
