/**
 * The demo `npm start` serves: sign in, stream with a Bearer token, and the 401 without one; and its
 * page in Chromium, through a token-expiry reconnect and a server shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { EventSource, type EventSourceErrorEvent } from '../src/index'
import { findChromium } from './browser/harness'
import { trace } from './helpers/events'

/** Starts `examples/server.js` on a free port, with extra environment variables, and returns its origin. */
async function startDemo(env: Record<string, string> = {}): Promise<{ demo: ChildProcess; origin: string }> {
  const demo = spawn(process.execPath, ['examples/server.js'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  demo.stdout!.setEncoding('utf8')
  while (!/http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    const [chunk] = (await once(demo.stdout!, 'data')) as [string]
    output += chunk
  }
  return { demo, origin: output.match(/http:\/\/127\.0\.0\.1:\d+/)![0] }
}

let demo: ChildProcess
let origin: string

beforeAll(async () => void ({ demo, origin } = await startDemo()))
afterAll(() => void demo.kill('SIGTERM'))

describe('the demo server', () => {
  it('serves the page and the script-tag build', async () => {
    const page = await fetch(`${origin}/`)
    expect(await page.text()).toContain('<script src="/sse-polyfill.global.js"></script>')
    const script = await fetch(`${origin}/sse-polyfill.global.js`)
    expect(script.status).toBe(200)
  })

  it('streams notifications to a signed-in EventSource and replays from Last-Event-ID', async () => {
    const login = await fetch(`${origin}/login`, { method: 'POST', body: JSON.stringify({ name: 'ada' }) })
    const { accessToken } = (await login.json()) as { accessToken: string }
    const source = new EventSource(`${origin}/notifications`, {
      headers: { Authorization: `Bearer ${accessToken}`, 'Last-Event-ID': '1' },
    })
    const events = trace(source, ['hello', 'notification'])
    await new Promise((resolve) => source.addEventListener('notification', resolve, { once: true }))
    source.close()
    expect(events[0]).toMatchObject({ type: 'hello', readyState: EventSource.OPEN })
    expect(events[0]!.data).toContain('Last-Event-ID 1')
    // Each notification's event id is its number.
    const first = events[1]!
    expect(first.type).toBe('notification')
    expect(JSON.parse(first.data!)).toMatchObject({ n: Number(first.lastEventId) })
  })

  it('fails the connection with status 401 without a token', async () => {
    const source = new EventSource(`${origin}/notifications`)
    const error = await new Promise<EventSourceErrorEvent>((resolve) => source.addEventListener('error', resolve, { once: true }))
    expect(source.readyState).toBe(EventSource.CLOSED)
    expect(error.status).toBe(401)
  })
})

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the demo page in Chromium: install Debian chromium')

describe.skipIf(!chromiumPath)('the demo page in Chromium', () => {
  it('logs the token-expiry reconnect as routine, and a server shutdown as an error', { timeout: 30_000 }, async () => {
    // Tokens of 4 s rather than 20: the server ends the stream within 4 s of sign-in. A token fresh
    // from the reconnect has more than 3 s left, so the shutdown below comes while it is still fresh.
    const short = await startDemo({ ACCESS_TOKEN_SECONDS: '4' })
    onTestFinished(() => void short.demo.kill())
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
    onTestFinished(() => browser.close())
    const page = await browser.newPage()
    await page.goto(`${short.origin}/`)
    await page.click('#login button[type=submit]')
    const log = page.locator('#log li')
    await log.filter({ hasText: /hello: Hello ada\. Last-Event-ID \d+/ }).waitFor({ timeout: 15_000 })
    // Stopping the server ends the stream while the token is fresh: a real error.
    short.demo.kill('SIGTERM')
    await log.filter({ hasText: 'error: The server ended the stream.' }).waitFor({ timeout: 5_000 })
    // Oldest first, without the time: "class text".
    const entries = await log.evaluateAll((items) => items.reverse().map((item) => `${item.className} ${item.lastChild!.textContent}`))
    expect(entries.slice(0, 8)).toEqual([
      expect.stringMatching(/^info signed in as ada, token expires /),
      'info connected',
      expect.stringMatching(/^hello hello: Hello ada\. No Last-Event-ID/),
      'info token expired: reconnecting with a fresh token',
      expect.stringMatching(/^info token refreshed, expires /),
      'info connected',
      expect.stringMatching(/^hello hello: Hello ada\. Last-Event-ID \d+/),
      'warn error: The server ended the stream. Reconnecting in 1000 ms. (status none)',
    ])
  })
})
