/**
 * Runs the same client script in real Chromium with the native EventSource and with ours (the
 * script-tag build), in one page, against loopback servers, and returns both traces.
 */
import { existsSync, readFileSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startServer, type RouteHandler, type TestServer } from '../server/sse-server'

export type Implementation = 'native' | 'polyfill'

export interface TraceEvent {
  type: string
  readyState: number
  data?: string
  lastEventId?: string
  origin?: string
}

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
  /** Call close() inside the handler of the event with this index. */
  closeOnEvent?: number
  /** Call window.stop() (the user's Stop button) inside the handler of the event with this index. */
  stopWindowOnEvent?: number
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Debian's chromium, or CHROMIUM_PATH; undefined when neither is there (CI installs it). */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((path): path is string => !!path && existsSync(path))
}

export interface Harness {
  /** The page's origin (127.0.0.1). */
  page: TestServer
  /** Another origin on the same site (127.0.0.1, another port): cookies flow with credentials. */
  cross: TestServer
  /** Serves the same handler at a path for each implementation, so their requests stay apart. */
  route(server: TestServer, name: string, handler: RouteHandler): (implementation: Implementation) => string
  run(implementation: Implementation, url: string, plan: ClientPlan): Promise<ClientRun>
  /** A cookie for 127.0.0.1, whatever the port. */
  addCookie(name: string, value: string): Promise<void>
  close(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error('Chromium not found: install Debian chromium or set CHROMIUM_PATH')
  const script = readFileSync(new URL('../../dist/sse-polyfill.global.js', import.meta.url), 'utf8')
  const page = await startServer('127.0.0.1')
  const cross = await startServer('127.0.0.1')
  page.route('/', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>harness</title><script src="/sse-polyfill.global.js"></script>'))
  page.route('/sse-polyfill.global.js', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script))
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  const tab: Page = await browser.newPage()
  await tab.goto(page.url('/'))

  return {
    page,
    cross,
    route(server, name, handler) {
      for (const implementation of ['native', 'polyfill'] as const) server.route(`/${name}/${implementation}`, handler)
      return (implementation) => server.url(`/${name}/${implementation}`)
    },
    run: (implementation, url, plan) => tab.evaluate(runClient, { implementation, url, plan }),
    addCookie: (name, value) => tab.context().addCookies([{ name, value, domain: '127.0.0.1', path: '/' }]),
    async close() {
      await browser.close()
      await page.close()
      await cross.close()
    },
  }
}

/** Runs in the page: the one client script both implementations share. */
function runClient({ implementation, url, plan }: { implementation: Implementation; url: string; plan: ClientPlan }): Promise<ClientRun> {
  const scope = window as unknown as { EventSource: typeof EventSource; SSEPolyfill: { EventSource: typeof EventSource } }
  const Constructor = implementation === 'native' ? scope.EventSource : scope.SSEPolyfill.EventSource
  return new Promise((resolve) => {
    const source = new Constructor(url, plan.options as EventSourceInit)
    const events: TraceEvent[] = []
    let settling = false
    const finish = () => {
      const finalReadyState = source.readyState
      source.close()
      resolve({ events, finalReadyState, url: source.url })
    }
    const record = (event: Event) => {
      const entry: TraceEvent = { type: event.type, readyState: source.readyState }
      if (event instanceof MessageEvent) Object.assign(entry, { data: event.data, lastEventId: event.lastEventId, origin: event.origin })
      events.push(entry)
      if (plan.closeOnEvent === events.length - 1) source.close()
      if (plan.stopWindowOnEvent === events.length - 1) window.stop()
      if (!settling && events.length >= plan.stopAfter) {
        settling = true
        setTimeout(finish, plan.settleMs ?? 0)
      }
    }
    for (const type of ['open', 'message', 'error', ...(plan.types ?? [])]) source.addEventListener(type, record)
    // A bound on every run, so a scenario that goes wrong ends rather than hangs.
    setTimeout(() => settling || finish(), 8000)
  })
}
