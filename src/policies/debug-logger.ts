/**
 * Not in the spec: a debug trail of a source, for the `policies` option: each connection opened, every
 * error event's message (what happened and what comes next), and the close. `console` is a logger.
 */
import type { EventSourceErrorEvent, EventSourceLike } from '../events'
import { reportListenerError } from '../report-error'
import type { ReconnectionPolicy } from './types'

/** What `debugLogger` writes to (`console` is one). */
export interface Logger {
  debug(message: string, source: EventSourceLike): void
}

export function debugLogger(logger: Logger = console): ReconnectionPolicy {
  return {
    watch({ source }, closed) {
      const log = (message: string): void => {
        // A logger that throws is reported as a listener is, and never breaks the connection.
        try {
          logger.debug(message, source)
        } catch (error) {
          reportListenerError(error)
        }
      }
      // A closed source fires nothing more: its listeners need no removing.
      source.addEventListener('open', () => log(`Open: ${source.url}.`))
      source.addEventListener('error', (event) => log((event as EventSourceErrorEvent).message))
      // After the error event that may have closed it, which fires once `closed` has aborted.
      closed.addEventListener('abort', () => queueMicrotask(() => log('Closed.')))
    },
  }
}
