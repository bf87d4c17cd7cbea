/**
 * Streams a response over `fetch` and a `ReadableStream` body reader.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource (steps 6-15)
 */
import { readText } from '../read-text'
import { refusedByCors } from './cors'
import { fetchFollowingRedirects } from './redirects'
import type { FetchLike, FetchLikeResponse, Transport } from './types'

/** `fetch` is the option's, else `globalThis.fetch` as it is at each connect (tests and interceptors patch it). */
export function fetchTransport(fetch?: FetchLike): Transport {
  return (request, handlers) => {
    const controller = new AbortController()
    const { signal } = controller

    async function stream(): Promise<void> {
      const fetchNow: FetchLike = fetch ?? ((url, init) => globalThis.fetch(url, init))
      let response: FetchLikeResponse
      let finalUrl: string
      try {
        ;({ response, url: finalUrl } = await fetchFollowingRedirects(fetchNow, request, signal, !!fetch))
      } catch (error) {
        if (signal.aborted) return
        if (isAbortError(error)) return handlers.onError(error, 'aborted')
        const kind = (await refusedByCors(fetchNow, request, signal)) ? 'cors' : 'network'
        if (!signal.aborted) handlers.onError(error, kind)
        return
      }
      if (signal.aborted) return
      // Mocked and custom fetches may leave `url` empty.
      handlers.onResponse(response, response.url || finalUrl)
      if (signal.aborted) return
      // A body-less 200 is a stream that ended at once.
      if (!response.body) return handlers.onEnd()
      await readText(response.body.getReader(), signal, handlers.onChunk, handlers.onEnd)
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
