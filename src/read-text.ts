/**
 * Reads a byte stream as the event stream's text: always UTF-8, whatever a charset parameter says;
 * stream mode keeps a character split across chunks whole; invalid bytes become U+FFFD; one leading
 * BOM is dropped (the spec's "UTF-8 decode"). Used by the fetch transport and by fromReadableStream.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */
import type { ReaderLike } from './transports/types'

/**
 * Hands each chunk's text to `onText` and calls `onEnd` at the end of the stream, until `signal`
 * aborts, which cancels the stream. Rejects where the stream errors.
 */
export async function readText(reader: ReaderLike, signal: AbortSignal, onText: (text: string) => void, onEnd: () => void): Promise<void> {
  signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true })
  const decoder = new TextDecoder()
  // Each chunk is handled in `deliver`, so that no variable of this async function holds it across
  // the await: V8 keeps such a variable's last value (the chunk's bytes and text) while the next read
  // is pending, which on a quiet stream is forever (test/soak.test.ts checks).
  const deliver = (result: Awaited<ReturnType<ReaderLike['read']>>): boolean => {
    if (signal.aborted) return false
    // No final decoder flush: whatever it could return has no line ending, so it would be discarded.
    if (result.done) {
      onEnd()
      return false
    }
    const text = decoder.decode(result.value, { stream: true })
    if (text !== '') onText(text)
    return !signal.aborted
  }
  while (deliver(await reader.read()));
}
