/**
 * EventSource.fromReadableStream(stream), lastEventId, reconnectionTime and reset() (whatwg/html PR
 * #12272, experimental) in real Chromium: one scripted scenario, run in the page with the ESM build and
 * the script-tag build, and in a module worker and a classic worker, returns a trace to assert on. The
 * scenario also reads a real fetch() response body from a loopback route.
 *
 * Each context gets a fresh page that loads our build only when the scenario starts, so that what the
 * native EventSource has before and after can be compared. (Not startHarness(): it serves only the
 * chunks index.js imports with `from`, and a build whose index.js has a bare `import "./chunk.js"`
 * would not load there.)
 */
import { readFileSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, startStream, type TestServer } from '../server/sse-server'
import { findChromium } from './harness'

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')

interface Entry {
  type: string
  readyState: number
  data?: string
  lastEventId?: string
  origin?: string
  /** source.lastEventId while the event is dispatched. */
  sourceLastEventId?: string
  /** Whether an error event's message is a non-empty string. */
  readableMessage?: boolean
}

/**
 * Runs in the browser (page or worker), self-contained: it is sent there as source text. `ES` is our
 * EventSource; `fetchUrl` serves an event stream that ends.
 */
async function fromReadableStreamScenario(ES: any, fetchUrl: string) {
  const encoder = new TextEncoder()
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const waitFor = async (condition: () => boolean, timeout = 3000) => {
    const start = Date.now()
    while (!condition()) {
      if (Date.now() - start > timeout) return false
      await sleep(5)
    }
    return true
  }
  const bytes = (...pieces: Array<string | number[]>) => {
    const parts = pieces.map((piece) => (typeof piece === 'string' ? encoder.encode(piece) : Uint8Array.from(piece)))
    const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
    let offset = 0
    for (const part of parts) {
      all.set(part, offset)
      offset += part.length
    }
    return all
  }
  // One chunk per read, then close, error, or stay open.
  const streamOf = (chunks: Uint8Array[], end: 'close' | 'error' | 'open', onCancel?: () => void) => {
    const queue = chunks.slice()
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const next = queue.shift()
          if (next) controller.enqueue(next)
          else if (end === 'close') controller.close()
          else if (end === 'error') controller.error(new Error('boom'))
        },
        cancel: () => onCancel?.(),
      },
      { highWaterMark: 0 },
    )
  }
  const record = (source: any, types: string[] = []) => {
    const entries: Entry[] = []
    for (const type of ['open', 'message', 'error', ...types]) {
      source.addEventListener(type, (event: any) => {
        const entry: Entry = { type: event.type, readyState: source.readyState }
        if (event instanceof MessageEvent) {
          Object.assign(entry, { data: event.data, lastEventId: event.lastEventId, origin: event.origin, sourceLastEventId: source.lastEventId })
        }
        if (event.type === 'error') entry.readableMessage = typeof event.message === 'string' && event.message.trim() !== ''
        entries.push(entry)
      })
    }
    return entries
  }
  const ended = (entries: Entry[]) => () => entries.some((entry) => entry.type === 'error')

  // Construction.
  const probe = ES.fromReadableStream(streamOf([], 'open'))
  const construction = {
    instance: probe instanceof ES,
    readyState: probe.readyState,
    url: probe.url,
    withCredentials: probe.withCredentials,
    lastEventId: probe.lastEventId,
    reconnectionTime: probe.reconnectionTime,
    locked: '',
  }
  probe.close()
  const locked = streamOf([], 'open')
  locked.getReader()
  try {
    ES.fromReadableStream(locked)
    construction.locked = 'no exception'
  } catch (error) {
    construction.locked = (error as Error).name
  }
  const network = new ES('http://127.0.0.1:1/x')
  const networkGetters = { lastEventId: network.lastEventId, reconnectionTime: network.reconnectionTime }
  network.close()

  // Parsing: a BOM split over chunks, CRLF split between CR and LF, CR and LF endings, UTF-8 split
  // inside characters, a named event, comments, id and retry (a non-digit one ignored), an unfinished
  // last event. A retry of 20 ms: a reconnection would show within the wait at the end.
  const euro = [0xe2, 0x82, 0xac]
  const grin = [0xf0, 0x9f, 0x98, 0x80]
  const main = ES.fromReadableStream(
    streamOf(
      [
        bytes([0xef]),
        bytes([0xbb, 0xbf], ': comment\r\nretry: 20\r\nretry: 2x\r\nid: 1\r\nevent: greeting\r\ndata: h', euro.slice(0, 2)),
        bytes(euro.slice(2), 'llo ', grin.slice(0, 2)),
        bytes(grin.slice(2), '\r\n\r\ndata: a\r'),
        bytes('\ndata: b\r\n\r', '\n'),
        bytes('id: 2\rdata: cr\r\r:x\nid: 3\ndata: lf\n\ndata: crlf\r\n\r\ndata: unfinished'),
      ],
      'close',
    ),
  )
  const readyStateAtOnce = main.readyState
  const events = record(main, ['greeting'])
  await waitFor(ended(events))
  await sleep(150)
  const parsing = { readyStateAtOnce, events, lastEventId: main.lastEventId, reconnectionTime: main.reconnectionTime, readyState: main.readyState }

  // A stream that errors after an event.
  const failing = ES.fromReadableStream(streamOf([bytes('retry: 10\ndata: before\n\n'), bytes('data: unfinished')], 'error'))
  const failingEvents = record(failing)
  await waitFor(ended(failingEvents))
  await sleep(100)

  // An empty stream.
  const empty = ES.fromReadableStream(streamOf([], 'close'))
  const emptyEvents = record(empty)
  await waitFor(ended(emptyEvents))
  await sleep(50)

  // close() in a message handler: CLOSED at once, nothing more, the stream cancelled.
  let cancelled = 0
  const closing = ES.fromReadableStream(streamOf([bytes('data: one\n\ndata: two\n\n'), bytes('data: three\n\n')], 'open', () => cancelled++))
  const closingEvents = record(closing)
  let readyStateAfterClose = -1
  closing.addEventListener('message', () => {
    closing.close()
    readyStateAfterClose = closing.readyState
  })
  await waitFor(() => cancelled > 0, 1000)
  await sleep(50)
  const close = { events: closingEvents, readyStateAfterClose, cancelled }

  // reset(), the TransformStream pattern.
  const ts = new TransformStream<Uint8Array, Uint8Array>()
  const piped = ES.fromReadableStream(ts.readable)
  const pipedEvents = record(piped)
  const pipe = (body: string) => streamOf([bytes(body)], 'close').pipeTo(ts.writable, { preventClose: true })
  const messageCount = () => pipedEvents.filter((entry) => entry.type === 'message').length
  await pipe('id: 7\nretry: 1234\ndata: first\n\ndata: partial-never-finished')
  await waitFor(() => messageCount() === 1)
  await sleep(20)
  piped.reset()
  const afterReset = { lastEventId: piped.lastEventId, reconnectionTime: piped.reconnectionTime }
  await pipe('data: second\n\n')
  await waitFor(() => messageCount() === 2)
  await sleep(20)
  const reset = { events: pipedEvents, afterReset, lastEventId: piped.lastEventId, reconnectionTime: piped.reconnectionTime, readyState: piped.readyState }
  piped.close()

  // A real fetch() response body.
  const response = await fetch(fetchUrl)
  const fetched = ES.fromReadableStream(response.body!)
  const fetchedEvents = record(fetched)
  await waitFor(ended(fetchedEvents))
  await sleep(50)

  return {
    construction,
    networkGetters,
    parsing,
    failing: failingEvents,
    empty: emptyEvents,
    close,
    reset,
    fetched: { events: fetchedEvents, lastEventId: fetched.lastEventId, readyState: fetched.readyState },
  }
}

type ScenarioResult = Awaited<ReturnType<typeof fromReadableStreamScenario>>

const SCENARIO = fromReadableStreamScenario.toString()

/** What every context must return. */
const open = { type: 'open', readyState: 1 }
const message = (data: string, lastEventId: string, type = 'message') => ({ type, readyState: 1, data, lastEventId, origin: 'null' })
const closedError = { type: 'error', readyState: 2, readableMessage: true }

function expectScenario(result: ScenarioResult): void {
  expect(result.construction).toEqual({ instance: true, readyState: 0, url: 'about:event-stream', withCredentials: false, lastEventId: '', reconnectionTime: 3000, locked: 'TypeError' })
  expect(result.networkGetters).toEqual({ lastEventId: '', reconnectionTime: 3000 })
  expect(result.parsing).toEqual({
    readyStateAtOnce: 0,
    events: [open, message('h€llo 😀', '1', 'greeting'), message('a\nb', '1'), message('cr', '2'), message('lf', '3'), message('crlf', '3'), closedError],
    lastEventId: '3',
    reconnectionTime: 20,
    readyState: 2,
  })
  expect(result.failing).toEqual([open, message('before', ''), closedError])
  expect(result.empty).toEqual([open, closedError])
  expect(result.close).toEqual({ events: [open, message('one', '')], readyStateAfterClose: 2, cancelled: 1 })
  expect(result.reset).toEqual({
    events: [open, message('first', '7'), message('second', '7')],
    afterReset: { lastEventId: '7', reconnectionTime: 1234 },
    lastEventId: '7',
    reconnectionTime: 1234,
    readyState: 1,
  })
  expect(result.fetched).toEqual({ events: [open, message('fetché 😀', 'f1'), closedError], lastEventId: 'f1', readyState: 2 })
}

/**
 * The traces without source.lastEventId during dispatch, which the second test checks on its own, so
 * that a failure of that one detail does not hide the rest.
 */
function withoutSourceLastEventId(result: ScenarioResult): ScenarioResult {
  const strip = (events: Entry[]) => events.map(({ sourceLastEventId: _ignored, ...rest }) => rest) as Entry[]
  const { parsing, failing, empty, close, reset, fetched } = result
  return {
    ...result,
    parsing: { ...parsing, events: strip(parsing.events) },
    failing: strip(failing),
    empty: strip(empty),
    close: { ...close, events: strip(close.events) },
    reset: { ...reset, events: strip(reset.events) },
    fetched: { ...fetched, events: strip(fetched.events) },
  }
}

/** The messages of every trace, as [data, event.lastEventId, source.lastEventId during dispatch]. */
function sourceLastEventIds(result: ScenarioResult): Array<[string | undefined, string | undefined, string | undefined]> {
  const all = [...result.parsing.events, ...result.failing, ...result.close.events, ...result.reset.events, ...result.fetched.events]
  return all.filter((entry) => entry.data !== undefined).map((entry) => [entry.data, entry.lastEventId, entry.sourceLastEventId])
}

const dist = new URL('../../dist/', import.meta.url)

type Context = 'page, ESM build' | 'page, script-tag build' | 'module worker, ESM build' | 'classic worker, script-tag build'
const CONTEXTS: Context[] = ['page, ESM build', 'page, script-tag build', 'module worker, ESM build', 'classic worker, script-tag build']

interface ContextRun {
  result: ScenarioResult
  /** typeof the native EventSource's fromReadableStream before and after loading our build. */
  ponyfill: { before: string; after: string; nativeUntouched: boolean; ours: boolean }
}

/** Workers record the native EventSource's fromReadableStream before and after loading our build, then run the scenario. */
const WORKER_MAIN = `
const scenario = ${SCENARIO}
onmessage = async (event) => {
  try {
    const EventSource = await load()
    const result = await scenario(EventSource, event.data)
    postMessage({ result, ponyfill: { before, after: typeof self.EventSource.fromReadableStream, nativeUntouched: self.EventSource === native, ours: native !== EventSource } })
  } catch (error) {
    postMessage({ error: String((error && error.stack) || error) })
  }
}`
const WORKER_CLASSIC = `const native = self.EventSource
const before = typeof self.EventSource.fromReadableStream
importScripts('/dist/sse-polyfill.global.js')
const load = async () => self.SSEPolyfill.EventSource
${WORKER_MAIN}`
const WORKER_MODULE = `const native = self.EventSource
const before = typeof self.EventSource.fromReadableStream
const load = async () => (await import('/dist/browser/index.js')).EventSource
${WORKER_MAIN}`

describe.skipIf(!chromiumPath)('[non-spec] Chromium: EventSource.fromReadableStream (whatwg/html PR #12272)', () => {
  let server: TestServer
  let browser: Browser
  const runs = new Map<Context, Promise<ContextRun>>()

  beforeAll(async () => {
    server = await startServer('127.0.0.1', 0, '127.0.0.1', { keepAlive: false })
    server.route('/', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>fromReadableStream</title>'))
    // The build as it is on disk when requested.
    server.route('/dist/*', (request, response) => {
      const path = new URL(request.url ?? '/', 'http://host').pathname.slice('/dist/'.length)
      try {
        response.writeHead(200, { 'Content-Type': path.endsWith('.js') ? 'text/javascript' : 'application/json' }).end(readFileSync(new URL(path, dist)))
      } catch {
        response.writeHead(404).end()
      }
    })
    server.route('/worker-classic.js', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(WORKER_CLASSIC))
    server.route('/worker-module.js', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(WORKER_MODULE))
    // An id, then the data with é and 😀 cut inside their bytes, over several writes, then an unfinished event.
    server.route('/fetch/*', (_request, response) => {
      startStream(response)
      const body = Buffer.from('id: f1\ndata: fetché 😀\n\ndata: unfinished', 'utf8')
      const cuts = [0, 7, body.indexOf(0xc3) + 1, body.indexOf(0xf0) + 2, body.indexOf(0x0a, 8) + 1, body.length]
      let step = 0
      const next = () => {
        if (step + 1 >= cuts.length) return void response.end()
        response.write(body.subarray(cuts[step], cuts[step + 1]))
        step++
        setTimeout(next, 10)
      }
      next()
    })
    browser = await chromium.launch({ executablePath: chromiumPath!, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  /** Runs the scenario once per context, in a fresh page (the first `it` of a context starts it). */
  function run(context: Context): Promise<ContextRun> {
    let pending = runs.get(context)
    if (pending) return pending
    pending = (async () => {
      const tab = await browser.newPage()
      tab.on('pageerror', (error) => console.error(`${context}: ${error.message}`))
      try {
        await tab.goto(server.url('/'))
        return await tab.evaluate(
          async ({ context, code, fetchUrl }) => {
            const scope = globalThis as unknown as { EventSource: Record<string, unknown>; SSEPolyfill?: { EventSource: unknown } }
            if (context.startsWith('page')) {
              const native = scope.EventSource
              const before = typeof native.fromReadableStream
              let ours: unknown
              if (context === 'page, ESM build') {
                // Not a literal import(): the test runner would rewrite it.
                const load = new Function('url', 'return import(url)') as (url: string) => Promise<{ EventSource: unknown }>
                ours = (await load(`${location.origin}/dist/browser/index.js`)).EventSource
              } else {
                await new Promise((resolve, reject) => {
                  const script = document.createElement('script')
                  script.src = '/dist/sse-polyfill.global.js'
                  script.onload = resolve
                  script.onerror = () => reject(new Error('the script-tag build did not load'))
                  document.head.append(script)
                })
                ours = scope.SSEPolyfill!.EventSource
              }
              const ponyfill = { before, after: typeof scope.EventSource.fromReadableStream, nativeUntouched: scope.EventSource === native, ours: ours !== native }
              const scenario = (0, eval)(`(${code})`)
              return { result: await scenario(ours, fetchUrl), ponyfill }
            }
            const worker = context.startsWith('module') ? new Worker('/worker-module.js', { type: 'module' }) : new Worker('/worker-classic.js')
            const reply = await new Promise<{ result: never; ponyfill: never; error?: string }>((resolve, reject) => {
              worker.onmessage = (event) => resolve(event.data)
              worker.onerror = (event) => reject(new Error(`worker: ${event.message}`))
              worker.postMessage(fetchUrl)
            })
            worker.terminate()
            if (reply.error) throw new Error(reply.error)
            return { result: reply.result, ponyfill: reply.ponyfill }
          },
          { context, code: SCENARIO, fetchUrl: server.url(`/fetch/${CONTEXTS.indexOf(context)}`) },
        )
      } finally {
        await tab.close()
      }
    })()
    runs.set(context, pending)
    return pending
  }

  for (const context of CONTEXTS) {
    describe(context, () => {
      it('opens, parses as over the network, ends with one error and CLOSED, closes and resets (TransformStream), reads a fetch() body', async () => {
        const { result } = await run(context)
        expectScenario(withoutSourceLastEventId(result))
      })

      it("has source.lastEventId equal to the event's lastEventId while the event is dispatched", async () => {
        const { result } = await run(context)
        const seen = sourceLastEventIds(result)
        expect(seen.length).toBeGreaterThan(5)
        expect(seen.filter(([, eventId, sourceId]) => eventId !== sourceId)).toEqual([])
      })

      it('adds nothing to the native EventSource (fromReadableStream the same before and after loading our build)', async () => {
        const { ponyfill } = await run(context)
        expect(ponyfill).toEqual({ before: expect.any(String), after: ponyfill.before, nativeUntouched: true, ours: true })
      })
    })
  }
})
