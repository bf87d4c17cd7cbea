/**
 * Sends the request; fetch follows redirects itself. In pages and workers that is right: CORS makes
 * another origin consent to each custom header, and fetch drops Authorization on a cross-origin hop.
 * The browser builds use this module in place of `redirects.ts`, which follows redirects by hand
 * elsewhere.
 */
import type { SSERequest } from '../request'
import type { FetchLike, FetchLikeResponse } from './fetch'

export interface FetchedResponse {
  response: FetchLikeResponse
  /** Where the response came from: the request's URL, or where the redirects led. */
  url: string
}

export async function fetchFollowingRedirects(fetch: FetchLike, request: SSERequest, signal: AbortSignal): Promise<FetchedResponse> {
  return { response: await fetch(request.url, requestInit(request, request.headers, 'follow', signal)), url: request.url }
}

/**
 * The spec's request: mode "cors", credentials per withCredentials, cache mode "no-store" (which makes
 * fetch send `Cache-Control: no-cache` itself, without the preflight an author-set one causes).
 */
export function requestInit(request: SSERequest, headers: Record<string, string>, redirect: 'follow' | 'manual', signal: AbortSignal): Parameters<FetchLike>[1] {
  return { method: 'GET', headers, credentials: request.credentials, cache: 'no-store', mode: 'cors', redirect, signal }
}
