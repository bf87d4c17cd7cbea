/**
 * Not in the spec: retry policies for the `retryPolicy` option. Native EventSource waits the
 * reconnection time after every failure and gives up on any status but 200. A policy decides which
 * statuses are retried too, and how long to wait after each failure, or to give up. It is a separate
 * import, so that apps that use none do not carry it.
 */
import { MAX_TIMEOUT } from './inactivity-timer'
import type { TransportResponse } from './transports/types'

export interface RetryPolicy {
  /** Whether a response with this status is retried later, rather than failing the connection. */
  retriesStatus(status: number): boolean
  /**
   * The milliseconds to wait after `failures` failed attempts in a row (1 for the first, counted since
   * the last open), or undefined to give up and close the source. `reconnectionTime` is the spec's
   * (3000 ms, or the server's `retry:`); `response` is the answer when the failure was one.
   */
  delay(failures: number, reconnectionTime: number, response?: TransportResponse): number | undefined
}

export interface BackoffOptions {
  /** Failed attempts in a row, the first connect included, after which the source closes. Unlimited when absent. */
  maxAttempts?: number
  /** The longest wait, in milliseconds, unless the server's Retry-After asks for longer: 30,000 when absent. */
  maxDelay?: number
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number
}

/**
 * Retries 5xx and 429 answers too, honouring their Retry-After; otherwise waits a random time up to the
 * reconnection time × 2^(failures - 1), capped at maxDelay (exponential backoff with full jitter, so that
 * the clients a server dropped at once do not all come back at once); gives up after maxAttempts.
 */
export function backoff({ maxAttempts = Infinity, maxDelay = 30_000, random = Math.random }: BackoffOptions = {}): RetryPolicy {
  return {
    retriesStatus: (status) => status === 429 || (status >= 500 && status <= 599),
    delay(failures, reconnectionTime, response) {
      if (failures >= maxAttempts) return undefined
      return retryAfter(response?.headers.get('retry-after') ?? null) ?? Math.round(random() * Math.min(maxDelay, reconnectionTime * 2 ** (failures - 1)))
    },
  }
}

/** A Retry-After header's wait in milliseconds (delay-seconds or an HTTP date), or undefined. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  const milliseconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now
  return Number.isNaN(milliseconds) ? undefined : Math.min(Math.max(milliseconds, 0), MAX_TIMEOUT)
}
