/**
 * Where ours runs in Chromium beyond pages and dedicated workers (conformance.test.ts runs those): service
 * workers, which have fetch but no XMLHttpRequest; and the XHR transport over a long stream, whose
 * request must be renewed before `responseText` grows without bound. The page's JavaScript heap is
 * logged, but does not show responseText, which Chromium keeps outside it: the longest responseText
 * read is the measure.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { resumableStream } from '../server/resumable-route'
import { startStream } from '../server/sse-server'
import { findChromium, startHarness } from './harness'

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')
const harness = chromiumPath ? await startHarness() : undefined

/** In a service worker: opens an EventSource on each message, answers with its first message's data and whether `xhr()` throws. */
const SERVICE_WORKER = `
onmessage = (event) => {
  const [port] = event.ports
  let xhr
  try {
    SSEPolyfill.xhr()
    xhr = 'constructed'
  } catch (error) {
    xhr = error.name + ': ' + error.message
  }
  const source = new SSEPolyfill.EventSource(event.data, { headers: { Authorization: 'Bearer sw' } })
  source.onmessage = (message) => {
    source.close()
    port.postMessage({ data: message.data, xhr, hasXhr: typeof XMLHttpRequest !== 'undefined' })
  }
  source.onerror = (error) => port.postMessage({ error: error.message })
}`

// 50 MB in events of about 1 KiB, each with an ID.
const EVENTS = 50_000
const EVENT_SIZE = 1000
const STREAM_BYTES = EVENTS * (EVENT_SIZE + `id: ${EVENTS}\ndata: ${EVENTS} \n\n`.length)
// How much one read may add past the limit, at most, in this test (its figures are logged).
const READ_SLACK = 16 * 2 ** 20

interface XhrPage {
  SSEPolyfillESM: { EventSource: typeof EventSource; xhr: (options: Record<string, unknown>) => unknown }
  stream?: { source: EventSource; received: number; inOrder: boolean; opens: number; errors: string[]; requests: number; longest: number }
}

describe.skipIf(!harness)('[non-spec] platforms in Chromium', () => {
  if (!harness) return
  afterAll(() => harness.close())

  describe('service worker', () => {
    harness.page.route('/sw-classic/worker.js', (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(`importScripts('/dist/sse-polyfill.global.js')\n${SERVICE_WORKER}`)
    })
    harness.page.route('/sw-module/worker.js', (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(`import * as index from '/dist/browser/index.js'\nimport * as xhr from '/dist/browser/xhr.js'\nconst SSEPolyfill = { ...index, ...xhr }\n${SERVICE_WORKER}`)
    })
    harness.page.route('/sw-stream', (request, response) => {
      startStream(response)
      response.write(`data: ${request.headers.authorization} ${request.headers['service-worker'] ?? ''}\n\n`)
    })

    for (const type of ['classic', 'module'] as const) {
      it(`streams over fetch in a ${type} service worker, where xhr() throws a TypeError`, async () => {
        const reply = await harness.evaluate(
          async ({ type, url }) => {
            const registration = await navigator.serviceWorker.register(`/sw-${type}/worker.js`, { type, scope: `/sw-${type}/` })
            const worker = registration.installing ?? registration.waiting ?? registration.active!
            const channel = new MessageChannel()
            const answer = new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)))
            worker.postMessage(url, [channel.port2])
            const data = await answer
            await registration.unregister()
            return data
          },
          { type, url: harness.page.url('/sw-stream') },
        )
        expect(reply).toEqual({ data: 'Bearer sw ', xhr: 'TypeError: No XMLHttpRequest for transport "xhr"', hasXhr: false })
      })
    }
  })

  /** Streams `events` events over XHR in the page; returns what the page saw and the heap after GC at each fifth. */
  async function streamOverXhr(path: string, events: number, options: Record<string, unknown>) {
    harness!.page.route(path, resumableStream(events, EVENT_SIZE))
    await harness!.evaluate(
      ({ url, options }) => {
        const page = globalThis as unknown as XhrPage
        const state = { source: undefined as unknown as EventSource, received: 0, inOrder: true, opens: 0, errors: [] as string[], requests: 0, longest: 0 }
        // Counts the requests, and the longest responseText our transport read.
        globalThis.XMLHttpRequest = class extends XMLHttpRequest {
          constructor() {
            super()
            state.requests++
          }
          override get responseText(): string {
            const text = super.responseText
            state.longest = Math.max(state.longest, text.length)
            return text
          }
        }
        state.source = new page.SSEPolyfillESM.EventSource(url, { transport: page.SSEPolyfillESM.xhr(options) } as EventSourceInit)
        state.source.onopen = () => state.opens++
        state.source.onerror = (event) => state.errors.push((event as Event & { message: string }).message)
        state.source.onmessage = (event) => {
          if (Number.parseInt(event.data, 10) !== ++state.received || event.lastEventId !== String(state.received)) state.inOrder = false
        }
        page.stream = state
      },
      { url: harness!.page.url(path), options },
    )
    const progress = () => harness!.evaluate(() => (globalThis as unknown as XhrPage).stream!.received, undefined)
    const heaps: number[] = []
    for (let share = 1; share <= 5; share++) {
      while ((await progress()) < (share * events) / 5) await new Promise((resolve) => setTimeout(resolve, 50))
      heaps.push(await harness!.heapAfterGC())
    }
    const seen = await harness!.evaluate(() => {
      const { stream } = globalThis as unknown as XhrPage
      stream!.source.close()
      const { received, inOrder, opens, errors, requests, longest } = stream!
      return { received, inOrder, opens, errors, requests, longest }
    }, undefined)
    console.log(
      `XHR, ${Object.entries(options).map(([name, value]) => `${name} ${value}`).join(', ') || 'default XHR options'}: ${seen.received} events, ${seen.requests} requests, longest responseText ${(seen.longest / 2 ** 20).toFixed(2)} Mi characters, ` +
        `page heap after GC ${heaps.map((heap) => (heap / 2 ** 20).toFixed(1)).join(' / ')} MiB`,
    )
    return seen
  }

  it(`streams ${(STREAM_BYTES / 1e6).toFixed(0)} MB over XHR with every event once, renewing the request so that responseText stays bounded`, async () => {
    const seen = await streamOverXhr('/xhr-long', EVENTS, {})
    expect(seen).toMatchObject({ received: EVENTS, inOrder: true, opens: 1, errors: [] })
    // A request carries 4 Mi characters (DEFAULT_XHR_RESPONSE_LIMIT) plus the read that passed them.
    expect(seen.requests).toBeGreaterThanOrEqual(Math.ceil(STREAM_BYTES / (2 ** 22 + READ_SLACK)))
    // The limit plus one read. Reads grow while the page is busy: Chromium hands over what arrived
    // meanwhile in one readystatechange.
    expect(seen.longest).toBeLessThan(2 ** 22 + READ_SLACK)
  }, 300_000)

  it('without renewal (responseLimit: Infinity), responseText holds the whole stream: what the bound above measures', async () => {
    const events = 10_000
    const seen = await streamOverXhr('/xhr-unbounded', events, { responseLimit: Infinity })
    expect(seen).toMatchObject({ received: events, requests: 1, errors: [] })
    expect(seen.longest).toBeGreaterThanOrEqual(events * EVENT_SIZE)
  }, 300_000)
})
