/**
 * [non-spec] `shared: true` in Chromium: tabs of one browser context share one connection, hand it over
 * with Last-Event-ID when the leader goes, and fall back to a connection each where the page is not a
 * secure context. The server counts the streams open per path at every moment, and keeps every event
 * it sent so that a reconnect with Last-Event-ID replays what followed (inclusively: the given id's
 * event too, which the tabs must drop).
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServer, startStream, type TestServer } from '../server/sse-server'
import { CHROMIUM_ARGS, findEngine } from './drivers'

const chromium = findEngine('chromium')
if (!chromium && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')

const dist = new URL('../../dist/browser/', import.meta.url)
const PAGE = `<!doctype html><script type="module">
import { EventSource } from '/dist/browser/shared.js'
globalThis.sources = []
globalThis.openSource = (url, options) => {
  const seen = []
  const source = new EventSource(url, { shared: true, ...options })
  for (const type of ['message', 'tick']) source.addEventListener(type, (event) => seen.push(event.lastEventId))
  source.onopen = () => seen.push('open')
  source.onerror = () => seen.push('error ' + source.readyState)
  globalThis.sources.push({ source, seen })
  return globalThis.sources.length - 1
}
globalThis.ready = true
</script>`

/** One stream path: its open responses, the most open at once, and every event sent. */
interface Feed {
  open: Set<ServerResponse>
  mostOpen: number
  lastEventIds: Array<string | undefined>
  events: number
}

describe.skipIf(!chromium)('[non-spec] shared: true, across the tabs of Chromium', () => {
  let server: TestServer
  let browser: Browser
  let context: BrowserContext
  const feeds = new Map<string, Feed>()
  const held: Array<() => void> = []
  const feed = (path: string): Feed => feeds.get(path) ?? feeds.set(path, { open: new Set(), mostOpen: 0, lastEventIds: [], events: 0 }).get(path)!
  const text = (id: number) => `id: ${id}\n${id % 3 === 0 ? 'event: tick\n' : ''}data: ${id}\n\n`

  beforeAll(async () => {
    server = await startServer('127.0.0.1', 0, '127.0.0.1', { keepAlive: false })
    server.route('/', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE))
    for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
      server.route(`/dist/browser/${file}`, (_request, response) => response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(new URL(file, dist))))
    }
    server.route('/feed/*', (request, response) => {
      const path = request.url!.split('?')[0]!
      const stream = feed(path)
      const lastEventId = request.headers['last-event-id'] as string | undefined
      stream.lastEventIds.push(lastEventId)
      // Held until every tab has joined (the test answers it).
      if (path.startsWith('/feed/fatal')) return void held.push(() => response.writeHead(404).end())
      startStream(response)
      stream.open.add(response)
      stream.mostOpen = Math.max(stream.mostOpen, stream.open.size)
      response.on('close', () => stream.open.delete(response))
      // Replays from the given id, that event included.
      for (let id = Number(lastEventId ?? stream.events + 1); lastEventId !== undefined && id <= stream.events; id++) response.write(text(id))
    })
    const { chromium: launcher } = await import('playwright-core')
    browser = await launcher.launch({ executablePath: chromium, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP insecure.test 127.0.0.1'] })
    context = await browser.newContext()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  /** Sends the next events on the path's open streams. */
  const emit = (path: string, count: number) => {
    const stream = feed(path)
    for (let sent = 0; sent < count; sent++) for (const response of stream.open) response.write(text(++stream.events))
  }

  async function openTabs(count: number, path: string, options: Record<string, unknown> = {}, origin = server.origin): Promise<Page[]> {
    const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()))
    for (const page of pages) {
      await page.goto(`${origin}/`)
      await page.waitForFunction(() => 'ready' in globalThis)
      await page.evaluate(({ url, options }) => (globalThis as unknown as { openSource(url: string, options: object): number }).openSource(url, options), { url: `${origin}${path}`, options })
    }
    return pages
  }

  const seen = (page: Page, index = 0) => page.evaluate((index) => (globalThis as unknown as { sources: Array<{ seen: string[] }> }).sources[index]!.seen, index)
  const role = (page: Page, index = 0) => page.evaluate((index) => (globalThis as unknown as { sources: Array<{ source: { sharedRole: string } }> }).sources[index]!.source.sharedRole, index)
  const close = (page: Page, index = 0) => page.evaluate((index) => (globalThis as unknown as { sources: Array<{ source: EventSource }> }).sources[index]!.source.close(), index)
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String(from + index))

  it('8 tabs share one connection, and every tab gets every event in order, named ones included', async () => {
    const path = '/feed/eight'
    const pages = await openTabs(8, path)
    await vi.waitFor(async () => expect(await Promise.all(pages.map((page) => seen(page)))).toEqual(pages.map(() => ['open'])))
    emit(path, 30)
    await vi.waitFor(async () => expect(await Promise.all(pages.map((page) => seen(page)))).toEqual(pages.map(() => ['open', ...ids(1, 30)])))
    expect([feed(path).mostOpen, feed(path).lastEventIds.length]).toEqual([1, 1])
    expect((await Promise.all(pages.map((page) => role(page)))).sort()).toEqual(['follower', 'follower', 'follower', 'follower', 'follower', 'follower', 'follower', 'leader'])
    await Promise.all(pages.map((page) => page.close()))
    await vi.waitFor(() => expect(feed(path).open.size).toBe(0))
  })

  for (const [how, leave] of [
    ['closes', (page: Page) => page.close()],
    ['closes without unload handlers', (page: Page) => page.close({ runBeforeUnload: false })],
    ['crashes', (page: Page) => page.goto('chrome://crash').catch(() => {})],
  ] as const) {
    it(`when the leader's page ${how}, another tab connects within 1 s with the last id, and no tab misses or repeats an event`, async () => {
      const path = `/feed/leaving-${how.replaceAll(' ', '-')}`
      const pages = await openTabs(4, path)
      await vi.waitFor(async () => expect((await Promise.all(pages.map((page) => role(page)))).filter((r) => r === 'leader')).toHaveLength(1))
      await vi.waitFor(async () => expect(await seen(pages[3]!)).toEqual(['open']))
      emit(path, 5)
      await vi.waitFor(async () => expect(await Promise.all(pages.map((page) => seen(page)))).toEqual(pages.map(() => ['open', ...ids(1, 5)])))
      const roles = await Promise.all(pages.map((page) => role(page)))
      const leader = pages[roles.indexOf('leader')]!
      const others = pages.filter((page) => page !== leader)
      const left = Date.now()
      await leave(leader)
      await vi.waitFor(() => expect(feed(path).lastEventIds).toHaveLength(2), { timeout: 1000, interval: 10 })
      console.info(`leader ${how}: the next connection came ${Date.now() - left} ms later`)
      expect(feed(path).lastEventIds[1]).toBe('5')
      await vi.waitFor(() => expect(feed(path).open.size).toBe(1))
      emit(path, 5)
      await vi.waitFor(async () => expect(await Promise.all(others.map((page) => seen(page)))).toEqual(others.map(() => ['open', ...ids(1, 10)])))
      await Promise.all(others.map((page) => page.close()))
    })
  }

  it("a follower's close() leaves the others alone; the last close() ends the connection", async () => {
    const path = '/feed/closing'
    const pages = await openTabs(3, path)
    await vi.waitFor(async () => expect(await seen(pages[2]!)).toEqual(['open']))
    const roles = await Promise.all(pages.map((page) => role(page)))
    const followers = pages.filter((_, index) => roles[index] === 'follower')
    await close(followers[0]!)
    emit(path, 2)
    await vi.waitFor(async () => expect(await seen(followers[1]!)).toEqual(['open', '1', '2']))
    expect(await seen(followers[0]!)).toEqual(['open'])
    expect(feed(path).lastEventIds).toHaveLength(1)
    // The leader last, so that nothing is handed over.
    await close(followers[1]!)
    await close(pages[roles.indexOf('leader')]!)
    await vi.waitFor(() => expect(feed(path).open.size).toBe(0))
    expect(feed(path).lastEventIds).toHaveLength(1)
    await Promise.all(pages.map((page) => page.close()))
  })

  it('a fatal status closes every tab, with one error each', async () => {
    const pages = await openTabs(3, '/feed/fatal')
    await vi.waitFor(() => expect(held).toHaveLength(1))
    held.pop()!()
    await vi.waitFor(async () => expect(await Promise.all(pages.map((page) => seen(page)))).toEqual(pages.map(() => ['error 2'])), { timeout: 3000 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await Promise.all(pages.map((page) => seen(page)))).toEqual(pages.map(() => ['error 2']))
    expect(feed('/feed/fatal').lastEventIds).toHaveLength(1)
    await Promise.all(pages.map((page) => page.close()))
  })

  it('different keys, or different withCredentials, get connections of their own', async () => {
    const path = '/feed/keys'
    const [plain, credentialed, keyed] = await Promise.all([openTabs(2, path), openTabs(2, path, { withCredentials: true }), openTabs(2, path, { shared: { key: 'other' } })])
    await vi.waitFor(() => expect(feed(path).open.size).toBe(3))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(feed(path).open.size).toBe(3)
    await Promise.all([...plain!, ...credentialed!, ...keyed!].map((page) => page.close()))
  })

  it('200 random opens and closes never hold two connections for one key', async () => {
    const path = '/feed/churn'
    const pages = await openTabs(4, path)
    const alive = pages.map(() => [0])
    let random = 42
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31)
    for (let step = 0; step < 200; step++) {
      const tab = next() % pages.length
      const page = pages[tab]!
      const open = alive[tab]!
      if (open.length && next() % 2) await close(page, open.splice(next() % open.length, 1)[0])
      else open.push(await page.evaluate((url) => (globalThis as unknown as { openSource(url: string): number }).openSource(url), `${server.origin}${path}`))
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(feed(path).mostOpen).toBe(1)
    expect(feed(path).open.size).toBe(alive.some((open) => open.length) ? 1 : 0)
    await Promise.all(pages.map((page) => page.close()))
  })

  it('where the page is not a secure context, each tab keeps a connection of its own and says so once', async () => {
    const path = '/feed/insecure'
    const origin = server.origin.replace('127.0.0.1', 'insecure.test')
    const warnings: string[] = []
    context.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()))
    const pages = await openTabs(2, path, {}, origin)
    await pages[0]!.evaluate((url) => (globalThis as unknown as { openSource(url: string): number }).openSource(url), `${origin}${path}`)
    await vi.waitFor(() => expect(feed(path).open.size).toBe(3))
    expect(await role(pages[0]!)).toBe('solo')
    expect(warnings.filter((text) => text.includes('shared needs Web Locks'))).toHaveLength(2)
    await Promise.all(pages.map((page) => page.close()))
  })
})
