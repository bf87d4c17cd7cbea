/**
 * Not in the spec: the readable reasons that error events carry, all in one place. The EventSource adds
 * what happens next ("Reconnecting in 3000 ms." or "EventSource does not retry."). None of them
 * includes a header value, so a token never ends up in a message.
 */
import type { ErrorDetails } from './events'

export const diagnostics = {
  status: (status: number, statusText: string): ErrorDetails => ({ message: `HTTP ${status} ${statusText}`.trim() + '.', status, statusText }),
  contentType: (contentType: string | null, status: number, statusText: string): ErrorDetails => ({
    message: `Content-Type ${contentType === null ? 'missing' : JSON.stringify(contentType)}, not text/event-stream.`,
    status,
    statusText,
  }),
  scheme: (url: string): ErrorDetails => ({ message: `Not an http(s) or data URL: ${url}.` }),
  eventTooLarge: (maxEventSize: number): ErrorDetails => ({ message: `An event grew past maxEventSize (${maxEventSize}).` }),
  invalidHeader: (name: string): ErrorDetails => ({ message: `Header ${JSON.stringify(name)} is not valid HTTP (CR, LF, NUL?); nothing was sent.` }),
  endOfStream: (): ErrorDetails => ({ message: 'The server ended the stream.' }),
  inactivity: (timeout: number): ErrorDetails => ({ message: `No activity within ${timeout} milliseconds.` }),
  responseLimit: (limit: number): ErrorDetails => ({ message: `The XHR response passed xhrResponseLimit (${limit}) with no new event ID to resume from.` }),
  requestFunction: (error: unknown): ErrorDetails => withCause('The headers or body function failed', error),
  network: (error: unknown): ErrorDetails => withCause('The connection failed', error),
  request: (error: unknown): ErrorDetails => withCause('The request could not be made', error),
  // Not by close(): that fires nothing.
  aborted: (error: unknown): ErrorDetails => withCause('The browser or the user aborted the request', error),
  cors: (error: unknown, url: string): ErrorDetails =>
    withCause(`CORS blocked the response of ${new URL(url).origin}: see its Access-Control-Allow-Origin, -Credentials and -Headers`, error),
}

/** The message followed by the underlying error's, and that error. */
function withCause(message: string, cause: unknown): ErrorDetails {
  const error = cause instanceof Error ? cause : new Error(String(cause))
  return { message: `${message} (${error.message}).`, error }
}
