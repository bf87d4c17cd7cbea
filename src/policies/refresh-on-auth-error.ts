/**
 * Not in the spec: a 401 or 403 may be a token that expired. Once in a row, the headers function is
 * called again (its context's `status` telling why) and the request retried at once, with no event; a
 * second refusal in a row fails the connection as usual. Meant for a headers function: with static
 * headers the one retry sends the same ones.
 */
import type { ReconnectionPolicy } from './types'

export function refreshOnAuthError(): ReconnectionPolicy {
  return {
    decide: ({ status }, { previousStatus }) => (isAuthError(status) && !isAuthError(previousStatus) ? { restart: true } : undefined),
  }
}

function isAuthError(status: number | undefined): boolean {
  return status === 401 || status === 403
}
