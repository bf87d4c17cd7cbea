/**
 * The transport when the `transport` option is absent: fetch. The React Native and script-tag builds
 * take `default.full.ts` in its place (tsup.config.ts), which falls back to XMLHttpRequest.
 */
import { fetchTransport } from './fetch'
import type { FetchLike, Transport } from './types'

export function defaultTransport(fetch: FetchLike | undefined): Transport {
  return fetchTransport(fetch)
}
