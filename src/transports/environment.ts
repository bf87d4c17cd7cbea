/**
 * Only pages and workers enforce CORS: there, another origin consents to each non-safelisted header,
 * and a refused response cannot be read. Node, Deno and Bun enforce neither (a `location` alone, as in
 * Deno with --location, says nothing about it).
 */
export function enforcesCors(): boolean {
  return typeof document !== 'undefined' || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined'
}
