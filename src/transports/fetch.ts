/**
 * Streams a response over `fetch` and a `ReadableStream` body reader.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (steps 6-15)
 */
import type { RequestBody } from '../request'
import { refusedByCors } from './cors'
import { fetchFollowingRedirects } from './redirects'
import type { Transport } from './types'

/** The part of `fetch` this transport uses, so tests, Node and interceptors can pass their own. */
export type FetchLike = (
  url: string,
  init: {
    method: string
    body?: RequestBody
    headers: Record<string, string>
    credentials: 'include' | 'same-origin'
    cache: 'no-store'
    mode: 'cors' | 'no-cors'
    redirect: 'follow' | 'manual'
    signal: AbortSignal
  },
) => Promise<FetchLikeResponse>

export interface FetchLikeResponse {
  /** `'opaque'` for a cross-origin `no-cors` answer; other values are not read. */
  type?: string
  status: number
  statusText: string
  url: string
  headers: { get(name: string): string | null }
  body: { getReader(): ReaderLike } | null
}

export interface ReaderLike {
  read(): Promise<{ done: true; value?: unknown } | { done: false; value: Uint8Array }>
  cancel(): Promise<void>
}

export function createFetchTransport(getFetch: () => FetchLike): Transport {
  return (request, handlers) => {
    const controller = new AbortController()
    const { signal } = controller

    async function stream(): Promise<void> {
      const fetch = getFetch()
      let response: FetchLikeResponse
      let finalUrl: string
      try {
        ;({ response, url: finalUrl } = await fetchFollowingRedirects(fetch, request, signal))
      } catch (error) {
        if (signal.aborted) return
        if (isAbortError(error)) return handlers.onError(error, 'aborted')
        const kind = (await refusedByCors(fetch, request, signal)) ? 'cors' : 'network'
        if (!signal.aborted) handlers.onError(error, kind)
        return
      }
      if (signal.aborted) return
      // Mocked and custom fetches may leave `url` empty.
      handlers.onResponse(response, response.url || finalUrl)
      if (signal.aborted) return
      // A body-less 200 is a stream that ended at once.
      if (!response.body) return handlers.onEnd()
      const reader = response.body.getReader()
      signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true })
      // Always UTF-8, whatever the charset parameter; stream mode keeps a character split across chunks
      // whole; invalid bytes become U+FFFD; the BOM is dropped once, at the start of this body only.
      const decoder = new TextDecoder()
      // Each chunk is handled in `deliver`, so that no variable of this async function holds it across
      // the await: V8 keeps such a variable's last value (the chunk's bytes and text) while the next read
      // is pending, which on a quiet stream is forever (test/soak.test.ts checks).
      const deliver = (result: Awaited<ReturnType<ReaderLike['read']>>): boolean => {
        if (signal.aborted) return false
        // No final decoder flush: whatever it could return has no line ending, so it would be discarded.
        if (result.done) {
          handlers.onEnd()
          return false
        }
        const text = decoder.decode(result.value, { stream: true })
        if (text !== '') handlers.onChunk(text)
        return !signal.aborted
      }
      while (deliver(await reader.read()));
    }

    stream().catch((error: unknown) => {
      // An abort we asked for (close() or a reconnect) is not a failure of the stream.
      if (!signal.aborted) handlers.onError(error, isAbortError(error) ? 'aborted' : 'network')
    })
    return { abort: () => controller.abort() }
  }
}

/** An abort that did not come from our signal: the user agent or the user stopped the fetch (window.stop()). */
function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError'
}
