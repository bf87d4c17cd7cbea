/**
 * Each EventSource's signal that aborts when it closes (by close(), its `signal` option, or a failed
 * connection), for the modules that follow a source from outside without a public hook (`messages`).
 */
export const closedSignals = new WeakMap<EventTarget, AbortSignal>()

/** The error of the event that closed a source whose connection failed (`messages` throws it). */
export const failures = new WeakMap<EventTarget, Error>()
