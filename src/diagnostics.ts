/**
 * Not in the spec: the readable reasons that error events carry, all in one place. None of them
 * includes a header value, so a token never ends up in a message.
 */
import type { ErrorDetails } from './events'

export const diagnostics = {
  status: (status: number, statusText: string): ErrorDetails => ({
    message: `The server responded with HTTP ${statusText ? `${status} ${statusText}` : status}; EventSource does not retry.`,
    status,
    statusText,
  }),
  contentType: (contentType: string | null, status: number, statusText: string): ErrorDetails => ({
    message: `Expected Content-Type text/event-stream but received ${contentType === null ? 'no Content-Type' : `Content-Type "${contentType}"`}.`,
    status,
    statusText,
  }),
  scheme: (url: string): ErrorDetails => ({ message: `EventSource cannot connect to ${url}: only http, https and data URLs are supported.` }),
  eventTooLarge: (maxEventSize: number): ErrorDetails => ({
    message: `An event grew past maxEventSize (${maxEventSize} characters); EventSource does not retry.`,
  }),
  invalidHeader: (name: string): ErrorDetails => ({
    message: `The header ${JSON.stringify(name)} has a name or value HTTP does not allow (such as CR, LF or NUL); nothing was sent.`,
  }),
  endOfStream: (): ErrorDetails => ({ message: 'The server ended the stream.' }),
  inactivity: (timeout: number): ErrorDetails => ({ message: `No activity within ${timeout} milliseconds. Reconnecting.` }),
  headersFunction: (error: unknown): ErrorDetails => ({ message: `The headers function failed: ${asError(error).message}`, error: asError(error) }),
  network: (error: unknown): ErrorDetails => ({ message: `The connection failed (${asError(error).message}). Reconnecting.`, error: asError(error) }),
  aborted: (error: unknown): ErrorDetails => ({
    message: 'The request was aborted by the browser or the user (not by close()); EventSource does not retry.',
    error: asError(error),
  }),
  cors: (error: unknown, url: string): ErrorDetails => ({
    message:
      `The server at ${new URL(url).origin} answered, but the browser blocked the response (CORS). It must allow ` +
      'this origin (Access-Control-Allow-Origin), credentials if withCredentials is set, and any custom header ' +
      '(Access-Control-Allow-Headers, on the preflight OPTIONS request).',
    error: asError(error),
  }),
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
