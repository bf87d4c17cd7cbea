/**
 * Tells a CORS refusal from an unreachable server when fetch rejects before any response. Fetch gives
 * the same TypeError for both, but the spec reestablishes the connection after a network error and
 * lets the user agent fail it when retrying is futile (step 15.2), as Chromium does for a refused
 * cross-origin stream (WPT eventsource-cross-origin expects CLOSED). Not in the spec: the way to tell
 * them apart, a `no-cors` request to the same URL, which gets an opaque response if the server answers.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (step 15)
 */
import { fetchInit } from './fetch-init'
import { enforcesCors } from './environment'
import type { FetchLike, SSERequest } from './types'

/** A server that takes longer than this to answer the probe counts as unreachable. */
const PROBE_TIMEOUT = 5000

export async function refusedByCors(fetch: FetchLike, request: SSERequest, signal: AbortSignal): Promise<boolean> {
  // Elsewhere than pages and workers, the error is a network error. Only where the request allows it
  // (see http-source.ts). A same-origin URL is probed too: it may redirect to another origin. Its
  // answer is opaque only then.
  if (!enforcesCors() || !request.corsProbe) return false
  return new Promise<boolean>((resolve) => {
    const probe = new AbortController()
    // The first of: the answer, the time limit, or our own abort (close()). Whatever it is, the probe's
    // body is not wanted, and nothing stays pending.
    const settle = (refused: boolean): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', notRefused)
      probe.abort()
      resolve(refused)
    }
    const notRefused = () => settle(false)
    const timer = setTimeout(notRefused, PROBE_TIMEOUT)
    signal.addEventListener('abort', notRefused, { once: true })
    // No custom headers: they are what CORS may refuse. A probe that cannot run (a fetch that throws)
    // tells nothing: not refused, so the connection is reestablished.
    try {
      fetch(request.url, { ...fetchInit(request, {}, 'follow', probe.signal), mode: 'no-cors' }).then((response) => settle(response.type === 'opaque'), notRefused)
    } catch {
      notRefused()
    }
  })
}
