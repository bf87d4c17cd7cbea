/**
 * Not in the spec: outside browsers, redirects are followed here rather than by fetch, so that custom
 * headers (Authorization, cookies, API keys) do not reach another origin, the flaw behind the
 * eventsource package's CVE-2022-1650. Pages and workers keep fetch's own following (see
 * `redirects.browser.ts`, which the browser builds use instead of this module), and so does a `fetch`
 * option: called once per hop, a wrapper that adds Authorization would send it to every origin, and
 * the library cannot see what it adds. Fetch itself drops Authorization on a cross-origin hop.
 */
import { fetchInit } from './fetch-init'
import { enforcesCors } from './environment'
import type { FetchLike, SSERequest } from './types'
import { fetchFollowingRedirects as fetchInBrowser, type FetchedResponse } from './redirects.browser'

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
// Fetch's own limit: more is a network error.
const MAX_REDIRECTS = 20
// The headers the EventSource itself sets (names in lower case); custom ones are dropped on a cross-origin hop.
const OWN_HEADERS = /^(accept|last-event-id)$/

/** `fetch` is the app's when `givenFetch` is set. */
export async function fetchFollowingRedirects(fetch: FetchLike, request: SSERequest, signal: AbortSignal, givenFetch?: boolean): Promise<FetchedResponse> {
  if (givenFetch || enforcesCors()) return fetchInBrowser(fetch, request, signal)
  let { url, headers } = request
  let hop = request
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, fetchInit(hop, headers, 'manual', signal))
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null
    // A 3xx without Location is a response like any other (and fails the connection).
    if (location === null) return { response, url }
    void response.body?.getReader().cancel().catch(() => {})
    if (redirects === MAX_REDIRECTS) throw new TypeError(`More than ${MAX_REDIRECTS} redirects`)
    const next = new URL(location, url)
    // Fetch's rules: only an HTTP(S) URL may be redirected to, and none with credentials in it.
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new TypeError(`Redirect to a URL that is not http(s): ${next.protocol}`)
    if (next.username || next.password) throw new TypeError('Redirect to a URL with credentials')
    if (next.origin !== new URL(url).origin && !request.forwardHeadersOnCrossOriginRedirect) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => OWN_HEADERS.test(name)))
    }
    // Fetch's rule: a 303 (or a 301 or 302 after a POST) turns the request into a GET without a body.
    const { status } = response
    if ((status === 303 && hop.method !== 'GET' && hop.method !== 'HEAD') || (status < 303 && hop.method === 'POST')) {
      hop = { ...hop, method: 'GET', body: undefined }
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-type'))
    }
    url = next.href
  }
}
