/**
 * Not in the spec: a 401 or 403 may be a token that expired. Once in a row, the headers function is
 * called again (its context's `status` telling why) and the request retried at once, with no event; a
 * second refusal in a row fails the connection as usual. It needs a headers function: static headers
 * would be sent again unchanged.
 */
import type { HeadersFunctionPolicy } from './types'

/** Its type makes the EventSource's options require a headers function; without one, it warns once. */
export function refreshOnAuthError(): HeadersFunctionPolicy {
  return {
    decide: ({ status }, { previousStatus }) => (isAuthError(status) && !isAuthError(previousStatus) ? { restart: true } : undefined),
    // Options typed wider than the constructor checks (an EventSourceOptions variable) reach here.
    watch(_control, _closed, { headers }) {
      if (typeof headers !== 'function') {
        console.warn('EventSource: refreshOnAuthError() needs a headers function that returns a fresh token; static headers are sent again unchanged.')
      }
    },
  }
}

function isAuthError(status: number | undefined): boolean {
  return status === 401 || status === 403
}
