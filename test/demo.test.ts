/** The demo `npm start` serves: sign in, stream with a Bearer token, and the 401 without one. */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventSource, type EventSourceErrorEvent } from '../src/index'
import { trace } from './helpers/events'

let demo: ChildProcess
let origin: string

beforeAll(async () => {
  demo = spawn(process.execPath, ['examples/server.js'], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  demo.stdout!.setEncoding('utf8')
  while (!/http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    const [chunk] = (await once(demo.stdout!, 'data')) as [string]
    output += chunk
  }
  origin = output.match(/http:\/\/127\.0\.0\.1:\d+/)![0]
})
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
