/**
 * Not in the spec: `for await (const event of messages(source))`. The loop gets the `message` events in order and
 * ends when the source closes: by close(), by its `signal`, or by leaving the loop (`break`, `return`,
 * an exception), which closes the source, as leaving a loop over a ReadableStream cancels it. Where the
 * connection fails, the events received before come first, then the loop throws the error event's
 * `error`.
 */

import { closedSignals, failures } from './closed'
import type { EventSourceLike } from './events'

/** How many events a loop may fall behind the stream; past it the source is closed and the loop throws. */
export const MAX_QUEUED_EVENTS = 10_000

/**
 * The `message` events of our EventSource (not a native one: a TypeError), as an async iterator. The
 * listener is added at once, so that no event is missed before the first next().
 */
export function messages(source: EventSourceLike): AsyncIterableIterator<MessageEvent<string>> {
  const closed = closedSignals.get(source)
  if (!closed) throw new TypeError('messages() takes an EventSource of sse-polyfill')
  return iterate(source, closed)
}

function iterate(source: EventSourceLike, closed: AbortSignal): AsyncIterableIterator<MessageEvent<string>> {
  const queue: MessageEvent<string>[] = []
  let overflow: RangeError | undefined
  let wake = (): void => {}
  const onMessage = (event: Event): void => {
    if (queue.length < MAX_QUEUED_EVENTS) queue.push(event as MessageEvent<string>)
    else {
      overflow = new RangeError(`The loop fell more than ${MAX_QUEUED_EVENTS} events behind; the EventSource was closed.`)
      source.close()
    }
    wake()
  }
  source.addEventListener('message', onMessage, { signal: closed })
  closed.addEventListener('abort', () => wake())

  async function* generate(): AsyncGenerator<MessageEvent<string>, void, undefined> {
    for (;;) {
      while (queue.length) yield queue.shift()!
      if (closed.aborted) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
    const error = overflow ?? failures.get(source)
    if (error) throw error
  }
  const iterator = generate()
  // Leaving the loop closes the source, also before the first next(), where a generator's own
  // `finally` would not run.
  const leave = iterator.return.bind(iterator)
  iterator.return = (value) => (source.close(), leave(value))
  return iterator
}
