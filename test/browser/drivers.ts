/**
 * One page in a real browser, whatever drives it: Chromium through playwright-core (CDP), Firefox ESR
 * through puppeteer-core (WebDriver BiDi), WebKitGTK's MiniBrowser through WebKitWebDriver (classic
 * WebDriver over HTTP; MiniBrowser has no headless mode, so it gets a virtual display from xvfb-run).
 * The harness and every scenario are written once against this.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

export type Engine = 'chromium' | 'firefox' | 'webkit'

export interface PageDriver {
  /** Chromium's playwright page, for what only CDP offers (heap, network emulation). */
  chromiumPage?: import('playwright-core').Page
  goto(url: string): Promise<void>
  /** Runs `fn(argument)` in the page and returns its JSON-serialisable result, awaited. */
  evaluate<Result, Argument>(fn: (argument: Argument) => Result, argument: Argument): Promise<Awaited<Result>>
  close(): Promise<void>
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

/** What each engine needs on this machine (Debian's packages; CHROMIUM_PATH overrides Chromium's). */
const EXECUTABLES: Record<Engine, Array<string | undefined>> = {
  chromium: [process.env.CHROMIUM_PATH, '/usr/bin/chromium'],
  firefox: ['/usr/bin/firefox-esr'],
  webkit: ['/usr/bin/WebKitWebDriver'],
}

/** The engine's executable, or undefined where it is not installed. */
export function findEngine(engine: Engine): string | undefined {
  const found = EXECUTABLES[engine].find((path): path is string => !!path && existsSync(path))
  // MiniBrowser comes with libwebkit2gtk, xvfb-run with xvfb.
  if (engine === 'webkit' && !(existsSync(MINIBROWSER) && existsSync('/usr/bin/xvfb-run'))) return undefined
  return found
}

/** The Debian packages an engine comes from, for the error a CI run without it gets. */
export const PACKAGES: Record<Engine, string> = { chromium: 'chromium', firefox: 'firefox-esr', webkit: 'webkit2gtk-driver xvfb' }

export async function launch(engine: Engine): Promise<PageDriver> {
  const executablePath = findEngine(engine)
  if (!executablePath) throw new Error(`${engine} not found: apt-get install -y ${PACKAGES[engine]}`)
  if (engine === 'chromium') return launchChromium(executablePath)
  if (engine === 'firefox') return launchFirefox(executablePath)
  return launchWebKit(executablePath)
}

async function launchChromium(executablePath: string): Promise<PageDriver> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  const tab = await browser.newPage()
  return {
    chromiumPage: tab,
    goto: async (url) => void (await tab.goto(url)),
    evaluate: (fn, argument) => tab.evaluate(fn as never, argument) as never,
    close: () => browser.close(),
  }
}

async function launchFirefox(executablePath: string): Promise<PageDriver> {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true })
  const tab = await browser.newPage()
  return {
    goto: async (url) => void (await tab.goto(url)),
    evaluate: (fn, argument) => tab.evaluate(fn as never, argument) as never,
    close: () => browser.close(),
  }
}

async function launchWebKit(driverPath: string): Promise<PageDriver> {
  const port = await freePort()
  // Its own process group, so that closing ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const driver: ChildProcess = spawn('xvfb-run', ['-a', driverPath, `--port=${port}`, '--host=127.0.0.1'], { detached: true, stdio: 'ignore' })
  const base = `http://127.0.0.1:${port}`
  const call = async (method: string, path: string, body?: unknown): Promise<{ value: unknown }> => {
    const response = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const result = (await response.json()) as { value: { error?: string; message?: string } }
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${result.value.error}: ${result.value.message}`)
    return result
  }
  const capabilities = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } }
  let session: string | undefined
  for (let tries = 0; !session; tries++) {
    try {
      session = ((await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } })).value as { sessionId: string }).sessionId
    } catch (error) {
      // The driver listens a moment after it starts.
      if (tries === 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const path = `/session/${session}`
  // A scenario runs for up to 8 s; scripts get longer than that.
  await call('POST', `${path}/timeouts`, { script: 60_000, pageLoad: 30_000 })
  return {
    goto: async (url) => void (await call('POST', `${path}/url`, { url })),
    async evaluate(fn, argument) {
      // WebDriver's async script: the last argument is the callback; errors come back as values.
      const script = `const done = arguments[arguments.length - 1]
Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }))`
      const { value, error } = (await call('POST', `${path}/execute/async`, { script, args: [argument] })).value as { value?: unknown; error?: string }
      if (error !== undefined) throw new Error(error)
      return value as never
    },
    async close() {
      await call('DELETE', path).catch(() => {})
      try {
        process.kill(-driver.pid!)
      } catch {
        // Already gone.
      }
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}
