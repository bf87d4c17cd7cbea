/**
 * Pages and workers have a `location`, and only they enforce CORS: there, another origin consents to
 * each non-safelisted header, and a refused response cannot be read. Node, Deno and Bun enforce neither.
 */
export function enforcesCors(): boolean {
  return typeof (globalThis as { location?: unknown }).location === 'object'
}
