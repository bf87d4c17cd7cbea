/**
 * The adapters as an app ships them: a Vite production build of a React page (StrictMode, two
 * components on one stream) and of a Vue page (the same), importing `sse-polyfill/react` and
 * `sse-polyfill/vue` by name from the built package, run in Chromium. The server counts the streams
 * open: one after load, none after navigating away.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServer, startStream, type TestServer } from '../server/sse-server'
import { findEngine, launch, type PageDriver } from './drivers'

const root = new URL('../..', import.meta.url).pathname
const apps = join(root, 'node_modules/.cache/sse-polyfill-apps')

const PAGES = {
  react: `import { StrictMode, createElement as h } from 'react'
import { createRoot } from 'react-dom/client'
import { useEventSource } from 'sse-polyfill/react'

function Feed() {
  const { readyState, lastEvent } = useEventSource('/stream', { events: ['note'] })
  return h('p', null, readyState + ' ' + (lastEvent ? lastEvent.data : ''))
}
createRoot(document.getElementById('root')).render(h(StrictMode, null, h(Feed), h(Feed)))`,
  vue: `import { createApp, defineComponent, h } from 'vue'
import { useEventSource } from 'sse-polyfill/vue'

const Feed = defineComponent({
  setup() {
    const { status, data } = useEventSource('/stream', ['note'])
    return () => h('p', status.value + ' ' + (data.value ?? ''))
  },
})
createApp({ render: () => [h(Feed), h(Feed)] }).mount('#root')`,
}

/** Builds the page as an app would: its own folder, the package installed under node_modules by name. */
async function buildApp(name: keyof typeof PAGES): Promise<string> {
  const dir = join(apps, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(root, join(dir, 'node_modules/sse-polyfill'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./main.js"></script>')
  writeFileSync(join(dir, 'main.js'), PAGES[name])
  await build({ root: dir, base: './', logLevel: 'silent', configFile: false, build: { outDir: join(dir, 'dist') } })
  return join(dir, 'dist')
}

const chromium = findEngine('chromium')
if (!chromium && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')

describe.skipIf(!chromium)('[non-spec] the adapters in a production build, in Chromium', () => {
  let server: TestServer
  let browser: PageDriver
  let open = 0
  beforeAll(async () => {
    server = await startServer('127.0.0.1', 0, '127.0.0.1', { keepAlive: false })
    server.route('/stream', (_request, response) => {
      open++
      response.on('close', () => open--)
      startStream(response)
      response.write('event: note\ndata: hello\n\n')
    })
    browser = await launch('chromium')
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it.each(['react', 'vue'] as const)('%s: one connection for two components after load (StrictMode for React), none after leaving', async (name) => {
    const dist = await buildApp(name)
    server.route(`/${name}/*`, (request, response) => {
      const file = request.url!.slice(name.length + 2).split('?')[0] || 'index.html'
      const type = { '.html': 'text/html', '.js': 'text/javascript' }[extname(file)] ?? 'application/octet-stream'
      response.writeHead(200, { 'Content-Type': type }).end(readFileSync(join(dist, file)))
    })
    const before = server.requestsTo('/stream').length
    await browser.goto(server.url(`/${name}/`))
    const shown = () => browser.evaluate(() => [...document.querySelectorAll('p')].map((p) => p.textContent), undefined)
    const ready = name === 'react' ? '1 hello' : 'OPEN hello'
    await vi.waitFor(async () => expect(await shown()).toEqual([ready, ready]), { timeout: 10_000 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(open).toBe(1)
    expect(server.requestsTo('/stream').length - before).toBe(1)
    await browser.goto('about:blank')
    await vi.waitFor(() => expect(open).toBe(0), { timeout: 5_000 })
  }, 60_000)
})
