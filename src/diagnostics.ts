/**
 * Not in the spec: the readable reasons that error events carry, all in one place, each with what the
 * spec does next (`reconnects`: reestablish the connection, else fail it). The EventSource adds what
 * happens ("Reconnecting in 3000 ms." or "EventSource does not retry."). None of them includes a header
 * value, so a token never ends up in a message.
 */
import type { ConnectionFailure } from './policies/types'
import type { TransportResponse } from './transports/types'

// Functions rather than an object's methods, so that minifiers shorten their names.

export function status(response: TransportResponse): ConnectionFailure {
  const { status, statusText } = response
  // 204 No Content is the spec's way for a server to say: do not reconnect.
  return { message: `HTTP ${status} ${statusText}`.trim() + '.', status, statusText, response, reconnects: false, clean: status === 204 }
}

export function contentType({ status, statusText }: TransportResponse, contentType: string | null): ConnectionFailure {
  return { message: `Content-Type ${contentType === null ? 'missing' : JSON.stringify(contentType)}, not text/event-stream.`, status, statusText, reconnects: false }
}

export const scheme = (url: string) => failure(`Not an http(s) or data URL: ${url}.`)
export const urlCredentials = () => failure('Fetch refuses a URL with credentials (user:password@).')
export const eventTooLarge = (maxEventSize: number) => failure(`An event grew past maxEventSize (${maxEventSize}).`)
export const invalidHeader = (name: string) => failure(`Header ${JSON.stringify(name)} is not valid HTTP (CR, LF, NUL?); nothing was sent.`)
/** `reconnects`: as native, unless the reconnectOnEnd option is false, which makes the end a clean one. */
export const endOfStream = (reconnects: boolean) => failure('The server ended the stream.', reconnects, !reconnects)
export const inactivity = (timeout: number) => failure(`No activity within ${timeout} milliseconds.`, true)
export const endOfGivenStream = () => failure('The stream ended.', false, true)
export const givenStreamError = (error: unknown) => withCause('The stream failed', error)
export const requestFunction = (error: unknown) => withCause('The headers or body function failed', error, true)
export const network = (error: unknown) => withCause('The connection failed', error, true)
export const request = (error: unknown) => withCause('The request could not be made', error)
// Not by close(): that fires nothing.
export const aborted = (error: unknown) => withCause('The browser or the user aborted the request', error)
export const cors = (error: unknown, url: string) =>
  withCause(`CORS blocked the response of ${new URL(url).origin}: see its Access-Control-Allow-Origin, -Credentials and -Headers`, error)

function failure(message: string, reconnects = false, clean?: boolean): ConnectionFailure {
  return { message, reconnects, clean }
}

/** The message followed by the underlying error's, and that error. */
function withCause(message: string, cause: unknown, reconnects = false): ConnectionFailure {
  const error = cause instanceof Error ? cause : new Error(String(cause))
  return { message: `${message} (${error.message}).`, error, reconnects }
}
