/**
 * What the benchmark runs: two baselines, two parsers and five clients, each fed a corpus' chunks and
 * counting what it gets. A run that sees the wrong count, or the wrong last event, throws: a broken
 * candidate must never be reported as a fast one.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { EventSource as EventSourceV5 } from 'eventsource'
import { createParser as createEventsourceParser } from 'eventsource-parser'
import { createEventSource } from 'eventsource-client'
import { fetchEventSource } from '@microsoft/fetch-event-source'
import type { Corpus } from './corpora'

export interface Candidate {
  name: string
  kind: 'baseline' | 'parser' | 'client'
  run(corpus: Corpus): Promise<void>
}

// Our package as built: dist/index.js itself, not a re-bundled copy. Imported at run time and typed from
// the source, because CI type-checks before anything is built. The bench and its test run from the
// package root (npm scripts, vitest).
const built = resolve('dist/index.js')
if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`)
const ours = (await import(pathToFileURL(built).href)) as typeof import('../../src/index')

const URL_ = 'http://bench.invalid/events'
const SSE_HEADERS = { 'content-type': 'text/event-stream' }
type Fetch = (url: unknown, init?: { signal?: AbortSignal | null }) => Promise<Response>

// event-source-polyfill has no fetch option: in Node it streams with the globalThis.fetch it finds when
// it is loaded. So it is loaded while globalThis.fetch forwards to each run's fetch, and then restored.
let polyfillFetch: Fetch | undefined
const nodeFetch = globalThis.fetch
globalThis.fetch = ((url: unknown, init?: RequestInit) => polyfillFetch!(url, init)) as typeof fetch
const { EventSourcePolyfill } = ((await import('event-source-polyfill')) as { default: typeof import('event-source-polyfill') }).default
globalThis.fetch = nodeFetch

/** What a consumer counts: events, and the last one's data. */
class Tally {
  count = 0
  last = ''
  add(data: string): void {
    this.count++
    this.last = data
  }
}

function check(name: string, corpus: Corpus, tally: Tally): void {
  if (tally.count !== corpus.events) throw new Error(`${name} on ${corpus.name}: ${tally.count} events, expected ${corpus.events}`)
  if (tally.last !== corpus.lastData) throw new Error(`${name} on ${corpus.name}: the last event's data is wrong`)
}

/**
 * The corpus as a response body: one chunk per read, produced only when asked for (highWaterMark 0),
 * so the end is reached only after the reader has taken, and processed, the last chunk.
 */
function body(chunks: Uint8Array[], signal?: AbortSignal | null, onEnd?: () => void) {
  let delivered = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // As fetch does: aborting the request errors its body, releasing a reader waiting on it.
        signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true })
      },
      pull(controller) {
        if (delivered < chunks.length) return controller.enqueue(chunks[delivered++]!)
        controller.close()
        onEnd?.()
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, delivered: () => delivered }
}

/** What a client candidate gets: a fetch serving the corpus, where to report events, and a way to fail. */
interface Connection {
  url: string
  fetch: Fetch
  message(data: string): void
  fail(error: unknown): void
}

/**
 * Runs one client over the corpus: resolves when it has dispatched every event, which must happen on
 * the last chunk, and closes it then, before the stream ends (which would schedule a reconnect).
 * `connect` starts the client and returns how to close it.
 */
function stream(name: string, corpus: Corpus, connect: (connection: Connection) => () => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const tally = new Tally()
    let fetches = 0
    let served: ReturnType<typeof body> | undefined
    let settled = false
    let close: (() => void) | undefined
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      close?.()
      if (error === undefined) resolvePromise()
      else reject(error instanceof Error ? error : new Error(`${name} on ${corpus.name}: ${String(error)}`))
    }
    const fail = (reason: string) => finish(new Error(`${name} on ${corpus.name}: ${reason}`))
    const fetch: Fetch = async (_url, init) => {
      if (++fetches > 1) fail('reconnected')
      // A fresh body for each run: nothing is shared between runs but the chunks.
      served = body(corpus.chunks, init?.signal, () => fail(`the stream ended after ${tally.count} of ${corpus.events} events`))
      return new Response(served.stream, { headers: SSE_HEADERS })
    }
    const message = (data: string) => {
      tally.add(data)
      if (tally.count < corpus.events) return
      // All events dispatched before the last chunk was read means some were invented.
      if (served?.delivered() !== corpus.chunks.length) return fail(`${tally.count} events before the end of the stream`)
      try {
        check(name, corpus, tally)
        finish()
      } catch (error) {
        finish(error)
      }
    }
    close = connect({ url: URL_, fetch, message, fail: (error) => finish(error) })
    if (settled) close()
  })
}

/** Our parser and eventsource-parser get the same harness: one streaming TextDecoder, as users write it. */
function parse(name: string, corpus: Corpus, create: (onData: (data: string) => void) => { feed(text: string): void }): void {
  const tally = new Tally()
  const parser = create((data) => tally.add(data))
  const decoder = new TextDecoder()
  for (const chunk of corpus.chunks) parser.feed(decoder.decode(chunk, { stream: true }))
  check(name, corpus, tally)
}

/**
 * @microsoft/fetch-event-source reads `window` and `document` (in its cleanup, even with
 * openWhenHidden): they exist only while it runs, so no other candidate sees a browser-like global.
 */
async function withBrowserGlobals(run: () => Promise<void>): Promise<void> {
  const globals = globalThis as { window?: unknown; document?: unknown }
  globals.window = globalThis
  globals.document = { addEventListener() {}, removeEventListener() {} }
  try {
    await run()
    // Its teardown (a rejected read after the abort) runs after the last event.
    await new Promise((resolveTick) => setImmediate(resolveTick))
  } finally {
    delete globals.window
    delete globals.document
  }
}

export const candidates: Candidate[] = [
  {
    // The least any correct parser does: decode the stream and find every line end.
    name: 'floor',
    kind: 'baseline',
    async run(corpus) {
      const decoder = new TextDecoder()
      let lines = 0
      for (const chunk of corpus.chunks) {
        const text = decoder.decode(chunk, { stream: true })
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
      }
      if (lines !== corpus.lines) throw new Error(`floor on ${corpus.name}: ${lines} lines, expected ${corpus.lines}`)
    },
  },
  {
    // What merely reading response.body costs, decoding nothing: every client pays it.
    name: 'body read',
    kind: 'baseline',
    async run(corpus) {
      const reader = new Response(body(corpus.chunks).stream).body!.getReader()
      let bytes = 0
      for (let result = await reader.read(); !result.done; result = await reader.read()) bytes += result.value.byteLength
      if (bytes !== corpus.bytes) throw new Error(`body read on ${corpus.name}: ${bytes} bytes, expected ${corpus.bytes}`)
    },
  },
  {
    name: 'sse-polyfill parser',
    kind: 'parser',
    async run(corpus) {
      parse(this.name, corpus, (onData) => ours.createParser({ onEvent: (event) => onData(event.data) }))
    },
  },
  {
    name: 'eventsource-parser',
    kind: 'parser',
    async run(corpus) {
      parse(this.name, corpus, (onData) => createEventsourceParser({ onEvent: (event) => onData(event.data) }))
    },
  },
  {
    name: 'sse-polyfill EventSource',
    kind: 'client',
    run(corpus) {
      return stream(this.name, corpus, ({ url, fetch, message, fail }) => {
        const source = new ours.EventSource(url, { fetch })
        source.addEventListener('message', (event) => message(event.data))
        source.addEventListener('error', (event) => fail(event.message))
        return () => source.close()
      })
    },
  },
  {
    name: 'eventsource',
    kind: 'client',
    run(corpus) {
      return stream(this.name, corpus, ({ url, fetch, message, fail }) => {
        const source = new EventSourceV5(url, { fetch })
        source.addEventListener('message', (event) => message(event.data))
        source.addEventListener('error', (event) => fail(event.message ?? 'error event'))
        return () => source.close()
      })
    },
  },
  {
    name: 'eventsource-client',
    kind: 'client',
    run(corpus) {
      return stream(this.name, corpus, ({ url, fetch, message }) => {
        // It reports no errors: a failure shows as a reconnect or a stream that ended early.
        const source = createEventSource({ url, fetch, onMessage: (event) => message(event.data) })
        return () => source.close()
      })
    },
  },
  {
    name: '@microsoft/fetch-event-source',
    kind: 'client',
    run(corpus) {
      return withBrowserGlobals(() =>
        stream(this.name, corpus, ({ url, fetch, message, fail }) => {
          const controller = new AbortController()
          void fetchEventSource(url, {
            fetch,
            signal: controller.signal,
            openWhenHidden: true,
            onmessage: (event) => message(event.data),
            onerror: (error) => {
              fail(error)
              // Rethrown, so that it stops rather than retries.
              throw error
            },
          }).catch(() => {})
          return () => controller.abort()
        }),
      )
    },
  },
  {
    name: 'event-source-polyfill',
    kind: 'client',
    run(corpus) {
      return stream(this.name, corpus, ({ url, fetch, message, fail }) => {
        polyfillFetch = fetch
        const source = new EventSourcePolyfill(url)
        source.addEventListener('message', (event) => message(event.data))
        source.addEventListener('error', (event) => fail(event.error ?? 'error event'))
        return () => source.close()
      })
    },
  },
]
