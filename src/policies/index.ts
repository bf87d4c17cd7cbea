/** `sse-polyfill/policies`: what decides how an EventSource reconnects, for its `policies` option. */
export { backoff, type BackoffOptions } from './backoff'
export { debugLogger, type Logger } from './debug-logger'
export { refreshOnAuthError } from './refresh-on-auth-error'
export { wakeUp } from './wake-up'
export type { ConnectionFailure, FailureHistory, HeadersFunctionPolicy, ReconnectionControl, ReconnectionDecision, ReconnectionPolicy, StaticHeadersPolicy } from './types'
