/** The React Native and script-tag builds' default transport: fetch where it streams, else XMLHttpRequest. */
import type { FetchLike, Transport } from './types'
import { fetchOrXhr } from './xhr'

export function defaultTransport(fetch: FetchLike | undefined): Transport {
  return fetchOrXhr({ fetch })
}
