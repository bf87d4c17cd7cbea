/**
 * Not in the spec: the timer behind `heartbeatTimeout`. One timer a connection: activity only records
 * the time, and the timer, when it fires early, waits again for the rest. It reads the monotonic clock,
 * so a change of the system clock neither hides a dead stream nor fakes one.
 */
import { MAX_TIMEOUT } from '../timers'

export interface InactivityTimer {
  /** Something arrived: the silence starts again. */
  touch(): void
  /** Whether the silence has lasted the timeout already: timers run late in a hidden or frozen page. */
  overdue(): boolean
  stop(): void
}

export function startInactivityTimer(timeout: number, onTimeout: () => void): InactivityTimer {
  const limit = Math.min(timeout, MAX_TIMEOUT)
  let lastActivity = performance.now()
  const idle = (): number => performance.now() - lastActivity
  const check = (): void => {
    const silence = idle()
    if (silence < limit) timer = setTimeout(check, limit - silence)
    else onTimeout()
  }
  let timer = setTimeout(check, limit)
  return {
    touch: () => void (lastActivity = performance.now()),
    overdue: () => idle() >= limit,
    stop: () => clearTimeout(timer),
  }
}
