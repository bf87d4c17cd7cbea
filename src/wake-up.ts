/**
 * Not in the spec (the `wakeUp` option): the moments a reconnect is worth making at once, rather than
 * when a timer says: the network is back (`online`), the page is visible again (`visibilitychange`),
 * or it was restored from the back/forward cache (`pageshow` with `persisted`). A page becoming hidden
 * does nothing. Only what the platform has is listened to (a worker has `online` alone; Node, none).
 */
export function listenForWakeUp(wake: (reason: string) => void, signal: AbortSignal): void {
  const scope = globalThis as unknown as Partial<Window>
  const document = scope.document
  const options = { signal }
  scope.addEventListener?.('online', () => wake('online'), options)
  scope.addEventListener?.('pageshow', (event) => event.persisted && wake('pageshow'), options)
  document?.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && wake('visibilitychange'), options)
}
