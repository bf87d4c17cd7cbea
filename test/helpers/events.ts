/** Records what an EventSource dispatches, in order, and waits for it without sleeping. */
import type { EventSource } from '../../src/index'

export interface TraceEntry {
  type: string
  readyState: number
  data?: string
  lastEventId?: string
  origin?: string
  status?: number
  message?: string
}

export function trace(source: EventSource, types: string[] = ['open', 'message', 'error']): TraceEntry[] {
  const entries: TraceEntry[] = []
  for (const type of types) {
    source.addEventListener(type, (event: Event) => {
      const entry: TraceEntry = { type: event.type, readyState: source.readyState }
      if (event instanceof MessageEvent) Object.assign(entry, { data: event.data, lastEventId: event.lastEventId, origin: event.origin })
      const details = event as Event & { status?: number; message?: string }
      if (event.type === 'error') Object.assign(entry, { status: details.status, message: details.message })
      entries.push(entry)
    })
  }
  return entries
}

/** Resolves with the next event of this type. */
export function nextEvent<T extends Event = Event>(source: EventTarget, type: string): Promise<T> {
  return new Promise((resolve) => source.addEventListener(type, (event) => resolve(event as T), { once: true }))
}

/** Waits (on real setImmediate turns, so fake timers do not move) until the condition holds. */
export async function until(condition: () => boolean, rounds = 500): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  throw new Error(`Condition not met: ${condition.toString()}`)
}

/** Waits in real time (loopback I/O) until the condition holds; bounded well under the test timeout. */
export async function eventually(condition: () => boolean, timeout = 3000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeout) throw new Error(`Timed out waiting for ${condition.toString()}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Lets pending promise callbacks and stream reads run (no timers involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
