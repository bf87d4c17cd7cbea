/**
 * The stream source of `EventSource.fromReadableStream(stream)` (whatwg/html PR #12272): the given
 * stream of UTF-8 bytes, parsed as a response body is. It opens at once, with origin "null"; at its end
 * or error the source fails, with no reconnection; close() cancels it, and so does reconnect(), which
 * then fails the source as the stream's end does.
 */
import * as diagnostics from '../diagnostics'
import { readText } from '../read-text'
import type { StreamSink, StreamSource } from '../stream-source'
import type { ReaderLike } from '../transports/types'

export function readableStreamSource(reader: ReaderLike, sink: StreamSink): StreamSource {
  const controller = new AbortController()
  const { signal } = controller
  let started = false
  return {
    connect() {
      // After the constructor has returned: no event fires during it.
      Promise.resolve()
        .then(() => {
          // A stream is read once: reconnect() on such a source ends it, as the stream's end would.
          if (started) return sink.fail(diagnostics.endOfGivenStream())
          started = true
          if (signal.aborted) return
          sink.begin()
          sink.open('null')
          return readText(reader, signal, sink.chunk, () => sink.fail(diagnostics.endOfGivenStream()))
        })
        .catch((error: unknown) => signal.aborted || sink.fail(diagnostics.givenStreamError(error)))
    },
    stop() {
      controller.abort()
      // Also where reading has not begun yet.
      void reader.cancel().catch(() => {})
    },
  }
}
