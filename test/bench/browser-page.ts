/**
 * The benchmark page (bundled for the browser at benchmark start). It runs the one plan its HTML
 * embeds, tells the server when the measured part starts and ends (the server samples CPU then), posts
 * the result and goes where the server says next. No CDP: nothing but the page's own code runs.
 */
import { DONE_EVENT, type Implementation, type PageResult, type Plan } from './browser-protocol'

interface Scope {
  BENCH_PLAN: Plan
  gc?: () => void
  EventSource: typeof EventSource
  SSEPolyfill?: { EventSource: typeof EventSource }
  BenchEventSource?: { EventSource: typeof EventSource }
  EventSourcePolyfill?: typeof EventSource
  BenchFetchEventSource?: { fetchEventSource: FetchEventSource }
}

/** The part of @microsoft/fetch-event-source used here. */
type FetchEventSource = (
  url: string,
  options: {
    signal: AbortSignal
    openWhenHidden: boolean
    onmessage(message: { event: string; data: string }): void
    onerror(error: unknown): void
    onclose(): void
  },
) => Promise<void>

interface Handlers {
  message(data: string): void
  done(): void
  fail(reason: string): void
}

type Opener = (url: string, on: Handlers) => { close(): void }

const scope = globalThis as unknown as Scope
const plan = scope.BENCH_PLAN

/**
 * Every EventSource-shaped implementation gets the same listeners. Those that claim to be drop-ins must
 * dispatch real MessageEvents (checked once, on the last event, so it costs nothing per event).
 */
function listen(source: EventSource, on: Handlers, messageEvents = true): { close(): void } {
  source.addEventListener('message', (event) => on.message(event.data))
  source.addEventListener(DONE_EVENT, (event) => (messageEvents && !(event instanceof MessageEvent) ? on.fail('not a MessageEvent') : on.done()))
  source.addEventListener('error', (event) => on.fail(`error event, readyState ${source.readyState}: ${(event as { message?: string }).message ?? ''}`))
  return source
}

function constructor(value: typeof EventSource | undefined, name: string): typeof EventSource {
  if (typeof value !== 'function') throw new Error(`${name} did not load`)
  return value
}

const OPENERS: Record<Implementation, Opener> = {
  native: (url, on) => listen(new (constructor(scope.EventSource, 'EventSource'))(url), on),
  ours: (url, on) => listen(new (constructor(scope.SSEPolyfill?.EventSource, 'SSEPolyfill'))(url), on),
  eventsource: (url, on) => listen(new (constructor(scope.BenchEventSource?.EventSource, 'eventsource'))(url), on),
  // Its events are plain objects of its own.
  'event-source-polyfill': (url, on) => listen(new (constructor(scope.EventSourcePolyfill, 'event-source-polyfill'))(url), on, false),
  'event-source-polyfill-xhr': (url, on) => listen(new (constructor(scope.EventSourcePolyfill, 'event-source-polyfill'))(url), on, false),
  'fetch-event-source': (url, on) => {
    const fetchEventSource = scope.BenchFetchEventSource?.fetchEventSource
    if (!fetchEventSource) throw new Error('fetch-event-source did not load')
    const controller = new AbortController()
    fetchEventSource(url, {
      signal: controller.signal,
      // By default it drops the stream while the document is hidden.
      openWhenHidden: true,
      onmessage: (message) => (message.event === DONE_EVENT ? on.done() : on.message(message.data)),
      onerror(error) {
        on.fail(`onerror: ${String(error)}`)
        throw error // no retry
      },
      onclose: () => on.fail('the stream ended'),
    }).catch(() => {})
    return { close: () => controller.abort() }
  },
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function post(path: string, body?: unknown): Promise<{ next?: string | null }> {
  const response = await fetch(path, { method: 'POST', body: JSON.stringify(body ?? {}) })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return response.json()
}

/** The server samples the CPU time (and memory) of Chromium's processes at each mark. */
const mark = (name: string) => post(`/mark/${plan.id}/${name}`)

/** The JS heap in use after full collections, in bytes (needs --js-flags=--expose-gc and precise memory info). */
async function heapAfterGC(): Promise<number> {
  const { gc } = scope
  if (!gc) throw new Error('gc() is not exposed: start Chromium with --js-flags=--expose-gc')
  // Leave the stack of whatever task called us first, then collect until the heap stops shrinking.
  let previous = Infinity
  for (let i = 0; i < 5; i++) {
    await sleep(0)
    gc()
    const used = (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize
    if (used >= previous) return used
    previous = used
  }
  return previous
}

async function run(): Promise<PageResult> {
  const { scenario } = plan
  const latencies: number[] = []
  let events = 0
  let dataChars = 0
  // The listener's whole work: count, read data.length (and, timing events, the arrival time).
  const message =
    scenario === 'latency'
      ? (data: string) => {
          latencies.push(performance.timeOrigin + performance.now() - Number(data))
          events++
          dataChars += data.length
        }
      : (data: string) => {
          events++
          dataChars += data.length
        }

  // Chromium settles after a navigation (a spare renderer, caches) before anything is measured.
  await sleep(300)
  const heapBefore = scenario === 'memory' ? await heapAfterGC() : undefined
  await mark('start')
  const started = performance.now()
  let wallMs = 0
  let source: { close(): void } | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`timeout: ${events} of ${plan.events} events after ${plan.timeoutMs} ms`)), plan.timeoutMs)
      source = OPENERS[plan.implementation](plan.streamUrl, {
        message,
        done() {
          wallMs = performance.now() - started
          if (events === plan.events && dataChars === plan.dataChars) resolve()
          else reject(new Error(`received ${events} events with ${dataChars} data characters, expected ${plan.events} with ${plan.dataChars}`))
        },
        fail: (reason) => reject(new Error(reason)),
      })
    })
    await mark('end')
    // Measured while still connected: what an implementation keeps of the stream so far.
    const heapAfter = scenario === 'memory' ? await heapAfterGC() : undefined
    if (scenario === 'memory') await mark('heap')
    return { wallMs, events, dataChars, heapBefore, heapAfter, latenciesMs: scenario === 'latency' ? latencies : undefined }
  } finally {
    source?.close()
  }
}

async function report(result: PageResult): Promise<void> {
  const { next } = await post(`/result/${plan.id}`, result)
  if (next) location.replace(next)
}

let reported = false
function fail(error: unknown): void {
  if (reported) return
  reported = true
  void report({ error: error instanceof Error ? error.message : String(error), wallMs: 0, events: 0, dataChars: 0 })
}
addEventListener('error', (event) => fail(event.message))
addEventListener('unhandledrejection', (event) => fail(event.reason))

run().then((result) => {
  if (reported) return
  reported = true
  return report(result)
}, fail)
