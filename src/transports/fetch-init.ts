import type { FetchLike, SSERequest } from './types'

/**
 * The fetch options for the request: the spec's mode "cors", credentials per withCredentials, cache
 * mode "no-store" (which makes fetch send `Cache-Control: no-cache` itself, without the preflight an
 * author-set one causes).
 */
export function fetchInit(request: SSERequest, headers: Record<string, string>, redirect: 'follow' | 'manual', signal: AbortSignal): Parameters<FetchLike>[1] {
  return { method: request.method, body: request.body, headers, credentials: request.credentials, cache: 'no-store', mode: 'cors', redirect, signal }
}
