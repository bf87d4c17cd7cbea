/**
 * Not in the spec: which transport carries the stream. Feature detection only: fetch where it streams
 * response bodies, else XMLHttpRequest (React Native, older browsers and WebViews).
 */
import { createFetchTransport, type FetchLike } from './fetch'
import type { Transport } from './types'
import { createXhrTransport } from './xhr'

export type TransportName = 'fetch' | 'xhr' | 'auto'

export interface TransportOptions {
  transport?: TransportName
  fetch?: FetchLike
}

/** Throws a TypeError for an unknown name, or for `xhr` where there is no XMLHttpRequest (service workers, Node). */
export function selectTransport({ transport = 'auto', fetch }: TransportOptions): Transport {
  const hasXhr = typeof XMLHttpRequest === 'function'
  if (transport === 'xhr' || (transport === 'auto' && !fetch && !fetchStreams() && hasXhr)) {
    if (!hasXhr) throw new TypeError('No XMLHttpRequest for transport "xhr"')
    return createXhrTransport(fetch ?? (globalThis.fetch as FetchLike | undefined))
  }
  if (transport !== 'fetch' && transport !== 'auto') throw new TypeError(`Unknown transport: ${JSON.stringify(transport)}`)
  return createFetchTransport(() => fetch ?? ((url, init) => globalThis.fetch(url, init)))
}

/** A fetch whose responses have a ReadableStream body (React Native's whatwg-fetch has none). */
function fetchStreams(): boolean {
  return typeof fetch === 'function' && typeof ReadableStream === 'function' && typeof Response === 'function' && 'body' in Response.prototype
}
