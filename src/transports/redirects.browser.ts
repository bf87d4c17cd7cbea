/**
 * Sends the request; fetch follows redirects itself. In pages and workers that is right: CORS makes
 * another origin consent to each custom header, and fetch drops Authorization on a cross-origin hop.
 * The browser builds use this module in place of `redirects.ts`, which follows redirects by hand
 * elsewhere.
 */
import { fetchInit } from './fetch-init'
import type { FetchLike, FetchLikeResponse, SSERequest } from './types'

export interface FetchedResponse {
  response: FetchLikeResponse
  /** Where the response came from: the request's URL, or where the redirects led. */
  url: string
}

export async function fetchFollowingRedirects(fetch: FetchLike, request: SSERequest, signal: AbortSignal): Promise<FetchedResponse> {
  return { response: await fetch(request.url, fetchInit(request, request.headers, 'follow', signal)), url: request.url }
}
