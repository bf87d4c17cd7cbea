/** Where dispatchEvent rethrows a listener's exception, report it (as browsers do) without unwinding the caller. */
export function reportListenerError(error: unknown): void {
  const { reportError } = globalThis as { reportError?: (error: unknown) => void }
  if (typeof reportError === 'function') reportError(error)
  else
    setTimeout(() => {
      throw error
    })
}
