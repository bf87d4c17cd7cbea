/**
 * Not in the spec: the moments a reconnect is worth making at once, rather than when a timer says: the
 * network is back (`online`), the page is visible again (`visibilitychange`), or it was restored from
 * the back/forward cache (`pageshow` with `persisted`). A page becoming hidden does nothing. Only what
 * the platform has is listened to (a worker has `online` alone; Node, none).
 */
import type { ReconnectionPolicy } from './types'

/**
 * Reconnects at once on those moments if the source is waiting to reconnect (unless the server set the
 * wait: a status a retry policy retries, Retry-After), or has received nothing for longer than
 * heartbeatTimeout (a hidden page's timers run late). A retry policy can still give up.
 */
export function wakeUp(): ReconnectionPolicy {
  return {
    watch(control, signal) {
      const scope = globalThis as unknown as Partial<Window>
      const document = scope.document
      const options = { signal }
      const wake = (): void => {
        if (control.overdue()) control.expire()
        else if (control.waiting()) control.restart()
      }
      scope.addEventListener?.('online', wake, options)
      scope.addEventListener?.('pageshow', (event) => event.persisted && wake(), options)
      document?.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && wake(), options)
    },
  }
}
