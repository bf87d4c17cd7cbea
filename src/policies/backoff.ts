/**
 * Not in the spec: exponential backoff. Native EventSource waits the reconnection time after every
 * failure and gives up on any status but 200. `backoff()` retries 5xx and 429 answers too, waits longer
 * after each failure in a row, and can give up.
 */
import { MAX_TIMEOUT } from '../timers'
import type { ReconnectionPolicy } from './types'

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
export function backoff({ maxAttempts = Infinity, maxDelay = 30_000, random = Math.random }: BackoffOptions = {}): ReconnectionPolicy {
  return {
    decide({ reconnects, status, response }, { failures, reconnectionTime }) {
      if (!reconnects && !(status === 429 || (status !== undefined && status >= 500 && status <= 599))) return undefined
      if (failures >= maxAttempts) return { close: `Gave up after ${failures} failed ${failures > 1 ? 'attempts' : 'attempt'} in a row.` }
      const wait = retryAfter(response?.headers.get('retry-after') ?? null) ?? Math.round(random() * Math.min(maxDelay, reconnectionTime * 2 ** (failures - 1)))
      return { reconnectIn: wait }
    },
  }
}

/** A Retry-After header's wait in milliseconds (delay-seconds or an HTTP date), or undefined. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  const milliseconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now
  return Number.isNaN(milliseconds) ? undefined : Math.min(Math.max(milliseconds, 0), MAX_TIMEOUT)
}
