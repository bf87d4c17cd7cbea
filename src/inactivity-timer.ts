/**
 * Not in the spec: the timer behind `heartbeatTimeout`. One timer a connection: activity only records
 * the time, and the timer, when it fires early, waits again for the rest. It reads the monotonic clock,
 * so a change of the system clock neither hides a dead stream nor fakes one.
 */

/** setTimeout treats longer delays as 0: longer ones are clamped to this. */
export const MAX_TIMEOUT = 2 ** 31 - 1

export interface InactivityTimer {
  /** Something arrived: the silence starts again. */
  touch(): void
  stop(): void
}

export function startInactivityTimer(timeout: number, onTimeout: () => void): InactivityTimer {
  const limit = Math.min(timeout, MAX_TIMEOUT)
  let lastActivity = performance.now()
  const check = (): void => {
    const idle = performance.now() - lastActivity
    if (idle < limit) timer = setTimeout(check, limit - idle)
    else onTimeout()
  }
  let timer = setTimeout(check, limit)
  return {
    touch: () => void (lastActivity = performance.now()),
    stop: () => clearTimeout(timer),
  }
}
