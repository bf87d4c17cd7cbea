/**
 * What the leader tab tells the others over BroadcastChannel, version 1. Events go whole (never a
 * piece of the stream), so a tab that joins late starts at an event's boundary.
 */

export const PROTOCOL_VERSION = 1

export type Relay =
  /** An event the leader's stream delivered; `first` marks the first of a connection that carried an id (a replay candidate). */
  | { v: 1; kind: 'event'; type: string; data: string; lastEventId: string; first: boolean }
  /** A block that only set the last event ID. */
  | { v: 1; kind: 'id'; lastEventId: string }
  | { v: 1; kind: 'retry'; milliseconds: number }
  /** The leader's connection is open (also the answer to `hello`). */
  | { v: 1; kind: 'open'; origin: string }
  /** The leader's connection failed: `closed` when it does not reconnect, `clean` when the server ended it on purpose. */
  | { v: 1; kind: 'error'; closed: boolean; clean: boolean; message: string; status: number | undefined; statusText: string | undefined }
  /** A tab asks whether the connection is open. */
  | { v: 1; kind: 'hello' }
  /** The leader's last word, after its last event: it lets go of the connection and the lock. */
  | { v: 1; kind: 'bye' }

/** Distributes `Omit` over the union, so that each message keeps its own fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export type RelayBody = Without<Relay, 'v'>

export function isRelay(message: unknown): message is Relay {
  return typeof message === 'object' && message !== null && (message as { v?: unknown }).v === PROTOCOL_VERSION
}

/**
 * A relayed event as text/event-stream, for the tab's own parser, which then dispatches it as it would
 * have from the network. Its data has no CR (the leader's parser split lines on every line break), its
 * type and id no line break.
 */
export function eventText(type: string, data: string, lastEventId: string): string {
  const lines = data.split('\n').map((line) => `data: ${line}\n`)
  return `${type === 'message' ? '' : `event: ${type}\n`}${lines.join('')}id: ${lastEventId}\n\n`
}
