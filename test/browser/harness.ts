/**
 * Runs one client script in a real browser (Chromium by default; Firefox and WebKit too, see
 * drivers.ts) with the native EventSource and with ours (the script-tag build and the ESM build), in a
 * page or a dedicated worker, against loopback servers, and returns the traces to compare.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Page } from 'playwright-core'
import type { TraceEntry } from '../helpers/events'
import { startServer, type RouteHandler, type TestServer } from '../server/sse-server'
import { findEngine, launch, type Engine } from './drivers'

/**
 * Whose EventSource a run uses: the browser's, or ours from `dist/sse-polyfill.global.js` or the ESM build
 * browser bundlers resolve (`dist/browser/index.js`, through the exports map's "browser" condition), or
 * that ESM build with `transport: 'xhr'` forced.
 */
export type Implementation = 'native' | 'global' | 'esm' | 'xhr'
export const IMPLEMENTATIONS: Implementation[] = ['native', 'global', 'esm', 'xhr']
/** Ours, each compared with native. */
export const POLYFILLS = ['global', 'esm', 'xhr'] as const

/** One recorded event, as the Node tests record them (status and message: ours only). */
export type TraceEvent = TraceEntry

export interface ClientRun {
  events: TraceEvent[]
  finalReadyState: number
  url: string
}

export interface ClientPlan {
  /** Event types to record besides open, message and error. */
  types?: string[]
  options?: Record<string, unknown>
  /** Stop after this many recorded events… */
  stopAfter: number
  /** …then wait this long for events that should not come, and close. */
  settleMs?: number
  /** Call close() inside the handler of the event with this index (twice, as a second close must be harmless). */
  closeOnEvent?: number
  /** Call close() right after the constructor. */
  closeAtOnce?: boolean
  /** Call window.stop() (the user's Stop button) inside the handler of the event with this index. */
  stopWindowOnEvent?: number
  /** Record the `status` and `message` of error events (ours only). */
  recordErrorDetails?: boolean
  /** Ours only: a headers function sending `Authorization: <prefix><n>`, n counting the calls from 1. */
  authorizationCounter?: string
}

interface RunRequest {
  implementation: Implementation
  url: string
  plan: ClientPlan
  worker: boolean
}

/** Debian's chromium, or CHROMIUM_PATH; undefined when neither is there (CI installs it). */
export function findChromium(): string | undefined {
  return findEngine('chromium')
}

export interface Harness {
  engine: Engine
  /** The page's origin (127.0.0.1). */
  page: TestServer
  /** Another origin on the same site (127.0.0.1, another port): cookies flow with credentials. */
  cross: TestServer
  /** Another site (localhost): cross-origin and cross-site. */
  crossSite: TestServer
  /** Serves the same handler at a path for each implementation and context, so their requests stay apart. */
  route(server: TestServer, name: string, handler: RouteHandler): (implementation: Implementation, worker?: boolean) => string
  run(implementation: Implementation, url: string, plan: ClientPlan, worker?: boolean): Promise<ClientRun>
  /** A cookie for 127.0.0.1, whatever the port. */
  addCookie(name: string, value: string): Promise<void>
  /** Runs a function in the page. */
  evaluate<Result, Argument>(fn: (argument: Argument) => Result, argument: Argument): Promise<Awaited<Result>>
  /** Chromium only: the page's JavaScript heap in use, in bytes, after a full garbage collection. */
  heapAfterGC(): Promise<number>
  /** Chromium only: emulates the network going down or coming back (it fires `offline` or `online`). */
  setOffline(offline: boolean): Promise<void>
  close(): Promise<void>
}

const dist = new URL('../../dist/', import.meta.url)
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' }

export async function startHarness(engine: Engine = 'chromium'): Promise<Harness> {
  // No keep-alive: Chromium silently retries a request reset on a reused connection, which would hide
  // a reset from both implementations depending on what ran before.
  const page = await startServer('127.0.0.1', 0, '127.0.0.1', { keepAlive: false })
  const cross = await startServer('127.0.0.1', 0, '127.0.0.1', { keepAlive: false })
  const crossSite = await startServer('127.0.0.1', 0, 'localhost', { keepAlive: false })
  page.route('/', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE))
  page.route('/client.js', serveText(`${CLIENT}\nglobalThis.runScenario = runScenario`))
  page.route('/worker-classic.js', serveText(`importScripts('/dist/sse-polyfill.global.js')\n${WORKER}`))
  page.route('/worker-module.js', serveText(`${IMPORT_ESM}\n${WORKER}`))
  // The default ESM build too, which bundlers without the browser condition give pages.
  for (const file of ['sse-polyfill.global.js', ...moduleFiles('browser/'), ...moduleFiles('')]) {
    page.route(`/dist/${file}`, serveText(readFileSync(new URL(file, dist), 'utf8'), CONTENT_TYPES[extname(file)]))
  }
  const driver = await launch(engine)
  await driver.goto(page.url('/'))
  // The module script runs after the page has loaded.
  while (!(await driver.evaluate(() => 'SSEPolyfillESM' in globalThis && 'SSEPolyfillDefault' in globalThis && 'SSEPolyfill' in globalThis, undefined))) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const chromiumOnly = (): Page => {
    if (!driver.chromiumPage) throw new Error(`not in ${engine}: Chromium only (CDP)`)
    return driver.chromiumPage
  }

  return {
    engine,
    page,
    cross,
    crossSite,
    route(server, name, handler) {
      const pathFor = (implementation: Implementation, worker = false) => `/${name}/${implementation}${worker ? '-worker' : ''}`
      for (const implementation of IMPLEMENTATIONS) for (const worker of [false, true]) server.route(pathFor(implementation, worker), handler)
      return (implementation, worker) => server.url(pathFor(implementation, worker))
    },
    async run(implementation, url, plan, worker = false) {
      const run = await driver.evaluate((request: RunRequest) => (globalThis as unknown as { runScenario(r: RunRequest): Promise<ClientRun> }).runScenario(request), { implementation, url, plan, worker })
      // Every run starts on servers with no connection left over. Firefox 153 keeps the connection of a
      // fetch that followed a redirect open after the fetch is aborted (the README's engine notes):
      // six of them would block every later request to that server.
      for (const server of [page, cross, crossSite]) server.dropConnections()
      return run
    },
    // Host-only for 127.0.0.1: cookies ignore the port, so every 127.0.0.1 server gets it.
    addCookie: (name, value) => driver.evaluate(({ name, value }) => void (document.cookie = `${name}=${value}; path=/`), { name, value }),
    evaluate: (fn, argument) => driver.evaluate(fn, argument),
    async heapAfterGC() {
      const tab = chromiumOnly()
      const cdp = await tab.context().newCDPSession(tab)
      await cdp.send('HeapProfiler.collectGarbage')
      const { usedSize } = await cdp.send('Runtime.getHeapUsage')
      await cdp.detach()
      return usedSize
    },
    setOffline: (offline) => chromiumOnly().context().setOffline(offline),
    async close() {
      await driver.close()
      await Promise.all([page.close(), cross.close(), crossSite.close()])
    },
  }
}

function serveText(text: string, contentType = 'text/javascript'): RouteHandler {
  return (_request, response) => response.writeHead(200, { 'Content-Type': contentType }).end(text)
}

/** An ESM build's modules: its entries and their shared chunks (`directory`: 'browser/', or '' for the default build). */
function moduleFiles(directory: string): string[] {
  return readdirSync(new URL(directory, dist)).filter((file) => file.endsWith('.js')).map((file) => `${directory}${file}`)
}

/** The ESM build as a browser bundler gives it, with its opt-in modules, as `SSEPolyfillESM`. */
const IMPORT_ESM = "import * as esm from '/dist/browser/index.js'; import * as xhr from '/dist/browser/xhr.js'; import * as policies from '/dist/browser/policies.js'; globalThis.SSEPolyfillESM = { ...esm, ...xhr, ...policies };"

const PAGE = `<!doctype html><title>harness</title>
<script src="/dist/sse-polyfill.global.js"></script>
<script type="module">${IMPORT_ESM} import * as defaultBuild from '/dist/index.js'; globalThis.SSEPolyfillDefault = defaultBuild</script>
<script src="/client.js"></script>`

/**
 * The one client script every run uses, in a page or a worker: it picks the constructor, records every
 * event with the readyState at dispatch, and stops after the planned number of events plus a settle time.
 */
function runClient({ implementation, url, plan }: RunRequest): Promise<ClientRun> {
  const scope = globalThis as unknown as {
    EventSource: typeof EventSource
    SSEPolyfill: { EventSource: typeof EventSource }
    SSEPolyfillESM: { EventSource: typeof EventSource }
  }
  const Constructor = { native: scope.EventSource, global: scope.SSEPolyfill?.EventSource, esm: scope.SSEPolyfillESM?.EventSource, xhr: scope.SSEPolyfillESM?.EventSource }[implementation]
  const options: Record<string, unknown> = { ...plan.options }
  if (implementation === 'xhr') options.transport = (scope.SSEPolyfillESM as unknown as { xhr: () => unknown }).xhr()
  let calls = 0
  if (plan.authorizationCounter) options.headers = () => ({ Authorization: `${plan.authorizationCounter}${++calls}` })
  return new Promise((resolve) => {
    const source = new Constructor(url, options as EventSourceInit)
    const events: TraceEvent[] = []
    let settling = false
    const finish = () => {
      const finalReadyState = source.readyState
      source.close()
      resolve({ events, finalReadyState, url: source.url })
    }
    const settleAfter = (delay: number) => {
      settling = true
      setTimeout(finish, delay)
    }
    const record = (event: Event) => {
      const entry: TraceEvent = { type: event.type, readyState: source.readyState }
      if (event instanceof MessageEvent) Object.assign(entry, { data: event.data, lastEventId: event.lastEventId, origin: event.origin })
      if (plan.recordErrorDetails && event.type === 'error') {
        const { status, message } = event as Event & { status?: number; message?: string }
        Object.assign(entry, { status, message })
      }
      events.push(entry)
      if (plan.closeOnEvent === events.length - 1) {
        source.close()
        source.close()
      }
      if (plan.stopWindowOnEvent === events.length - 1) (globalThis as unknown as Window).stop()
      if (!settling && events.length >= plan.stopAfter) settleAfter(plan.settleMs ?? 0)
    }
    for (const type of ['open', 'message', 'error', ...(plan.types ?? [])]) source.addEventListener(type, record)
    if (plan.closeAtOnce) {
      source.close()
      settleAfter(plan.settleMs ?? 0)
    }
    // A bound on every run, so a scenario that goes wrong ends rather than hangs.
    setTimeout(() => settling || finish(), 8000)
  })
}

/** In the page: runs the client there, or in a dedicated worker (classic for the script-tag build, module for ESM). */
function runScenario(request: RunRequest): Promise<ClientRun> {
  if (!request.worker) return runClient(request)
  const worker = request.implementation === 'global' || request.implementation === 'native' ? new Worker('/worker-classic.js') : new Worker('/worker-module.js', { type: 'module' })
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      worker.terminate()
      resolve(event.data as ClientRun)
    }
    worker.onerror = (event) => reject(new Error(`worker: ${event.message}`))
    worker.postMessage(request)
  })
}

const CLIENT = `${runClient.toString()}\n${runScenario.toString()}`
const WORKER = `${runClient.toString()}\nonmessage = async (event) => postMessage(await runClient(event.data))`
