// event-source-polyfill ships no types: the part of it the benchmark uses.
declare module 'event-source-polyfill' {
  export class EventSourcePolyfill {
    constructor(url: string, options?: { headers?: Record<string, string>; withCredentials?: boolean; heartbeatTimeout?: number })
    addEventListener(type: 'message', listener: (event: { data: string }) => void): void
    addEventListener(type: 'error', listener: (event: { error?: unknown }) => void): void
    close(): void
  }
}
