/**
 * Not in the spec: `for await (const event of source)`. The loop gets the `message` events in order and
 * ends when the source closes: by close(), by its `signal`, or by leaving the loop (`break`, `return`,
 * an exception), which closes the source, as leaving a loop over a ReadableStream cancels it. Where the
 * connection fails, the events received before come first, then the loop throws the error event's
 * `error`.
 */

/** How many events a loop may fall behind the stream; past it the source is closed and the loop throws. */
export const MAX_QUEUED_EVENTS = 10_000

interface Closable extends EventTarget {
  close(): void
}

/**
 * `closed` aborts when the source closes; `failure` is then the error event's `error`, where the
 * connection failed. The listener is added at once, so that no event is missed before the first next().
 */
export function iterateMessages(source: Closable, closed: AbortSignal, failure: () => Error | undefined): AsyncIterableIterator<MessageEvent<string>> {
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

  async function* messages(): AsyncGenerator<MessageEvent<string>, void, undefined> {
    for (;;) {
      while (queue.length) yield queue.shift()!
      if (closed.aborted) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
    const error = overflow ?? failure()
    if (error) throw error
  }
  const iterator = messages()
  // Leaving the loop closes the source, also before the first next(), where a generator's own
  // `finally` would not run.
  const leave = iterator.return.bind(iterator)
  iterator.return = (value) => (source.close(), leave(value))
  return iterator
}
