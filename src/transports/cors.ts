/**
 * Tells a CORS refusal from an unreachable server when fetch rejects before any response. Fetch gives
 * the same TypeError for both, but the spec reestablishes the connection after a network error and
 * lets the user agent fail it when retrying is futile (step 15.2), as Chromium does for a refused
 * cross-origin stream (WPT eventsource-cross-origin expects CLOSED). Not in the spec: the way to tell
 * them apart, a `no-cors` request to the same URL, which gets an opaque response if the server answers.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (step 15)
 */
import type { SSERequest } from '../request'
import type { FetchLike } from './fetch'

export async function refusedByCors(fetch: FetchLike, request: SSERequest, signal: AbortSignal): Promise<boolean> {
  // Only pages and workers enforce CORS; elsewhere (Node, Deno, Bun) the error is a network error.
  if (typeof (globalThis as { location?: unknown }).location !== 'object') return false
  const probe = new AbortController()
  const abortProbe = () => probe.abort()
  signal.addEventListener('abort', abortProbe, { once: true })
  try {
    await fetch(request.url, { method: 'GET', headers: {}, credentials: request.credentials, cache: 'no-store', mode: 'no-cors', redirect: 'follow', signal: probe.signal })
    return true
  } catch {
    return false
  } finally {
    // The server answered (or not): the probe's body is not wanted.
    probe.abort()
    signal.removeEventListener('abort', abortProbe)
  }
}
