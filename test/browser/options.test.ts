/**
 * [non-spec] Issue 7's opt-in options in Chromium, with the script-tag build, the ESM build and the ESM
 * build over XHR: the policies refreshOnAuthError(), backoff() and wakeUp() on `online`, method and
 * body, and the signal option with `for await` over messages().
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { messages as Messages, EventSource as OurEventSource, Transport } from '../../src/index'
import type * as Policies from '../../src/policies/index'
import { startStream } from '../server/sse-server'
import { findChromium, POLYFILLS, startHarness } from './harness'

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')
const harness = chromiumPath ? await startHarness() : undefined

/** What a page function gets: the stream's URL and the build to take EventSource from. */
interface PageRun {
  url: string
  build: (typeof POLYFILLS)[number]
}

/** In the page: the build's exports, and the transport option that selects it. */
declare function library(build: PageRun['build']): { EventSource: typeof OurEventSource; messages: typeof Messages; transport: Transport | undefined } & typeof Policies

/** Defines `library` in the page (functions passed to evaluate cannot close over Node's scope). */
async function defineLibrary(): Promise<void> {
  await harness!.evaluate(() => {
    ;(globalThis as unknown as { library: typeof library }).library = (build) => {
      const scope = globalThis as unknown as Record<'SSEPolyfill' | 'SSEPolyfillESM', ReturnType<typeof library> & { xhr: () => Transport }>
      const exports = scope[build === 'global' ? 'SSEPolyfill' : 'SSEPolyfillESM']
      return { ...exports, transport: build === 'xhr' ? exports.xhr() : undefined }
    }
  }, undefined)
}

/** Reads a request's body. */
function bodyOf(request: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => resolve(body))
  })
}

describe.skipIf(!harness)('[non-spec] Chromium: the opt-in options', () => {
  if (!harness) return
  afterAll(() => harness.close())

  for (const build of POLYFILLS) {
    describe(`${build} build`, () => {
      it('refreshOnAuthError(): a 401 calls the headers function again, with its status, and retries at once, firing no error', async () => {
        await defineLibrary()
        const urlFor = harness.route(harness.page, `refresh-${build}`, (request, response) => {
          if (request.headers.authorization !== 'Bearer fresh') return void response.writeHead(401).end()
          startStream(response)
          response.write('data: in\n\n')
        })
        const seen = await harness.evaluate(
          async ({ url, build }: PageRun) => {
            const { EventSource, refreshOnAuthError, transport } = library(build)
            const calls: Array<[number, number | undefined]> = []
            const types: string[] = []
            const source = new EventSource(url, {
              transport,
              policies: [refreshOnAuthError()],
              headers: ({ attempt, status }) => (calls.push([attempt, status]), { Authorization: `Bearer ${status === 401 ? 'fresh' : 'stale'}` }),
            })
            await new Promise<void>((resolve) => {
              source.onopen = () => types.push('open')
              source.onerror = () => (types.push('error'), resolve())
              source.onmessage = (event) => (types.push(event.data), resolve())
            })
            source.close()
            return { calls, types }
          },
          { url: urlFor(build), build },
        )
        expect(seen).toEqual({ calls: [[1, undefined], [2, 401]], types: ['open', 'in'] })
      })

      it('method and body: a POST, sent again with Last-Event-ID on the reconnect', async () => {
        await defineLibrary()
        const bodies: Array<[string, string, string | undefined]> = []
        const urlFor = harness.route(harness.page, `post-${build}`, async (request, response, index) => {
          bodies.push([request.method!, await bodyOf(request), request.headers['last-event-id'] as string | undefined])
          startStream(response)
          if (index === 0) response.end('retry: 50\nid: 1\ndata: first\n\n')
          else response.write('data: second\n\n')
        })
        const data = await harness.evaluate(
          async ({ url, build }: PageRun) => {
            const { EventSource, transport } = library(build)
            const source = new EventSource(url, { transport, method: 'POST', body: '{"prompt":"hi"}', headers: { 'Content-Type': 'application/json' } })
            const received: string[] = []
            await new Promise<void>((resolve) => (source.onmessage = (event) => received.push(event.data) === 2 && resolve()))
            source.close()
            return received
          },
          { url: urlFor(build), build },
        )
        expect(data).toEqual(['first', 'second'])
        expect(bodies).toEqual([
          ['POST', '{"prompt":"hi"}', undefined],
          ['POST', '{"prompt":"hi"}', '1'],
        ])
      })

      it("backoff() retries a 503 after its Retry-After, and gives up after maxAttempts, saying why", async () => {
        await defineLibrary()
        const urlFor = harness.route(harness.page, `backoff-${build}`, (_request, response, index) => {
          if (index !== 1) return void response.writeHead(503, { 'Retry-After': '0' }).end()
          // The second attempt opens, then ends: the count of failures starts again.
          startStream(response)
          response.end('retry: 50\ndata: between\n\n')
        })
        const seen = await harness.evaluate(
          async ({ url, build }: PageRun) => {
            const { EventSource, backoff, transport } = library(build)
            const source = new EventSource(url, { transport, policies: [backoff({ maxAttempts: 3 })] })
            const seen: unknown[] = []
            await new Promise<void>((resolve) => {
              source.onopen = () => seen.push('open')
              source.onmessage = (event) => seen.push(event.data)
              source.addEventListener('error', (event) => {
                seen.push([source.readyState, event.status, event.message])
                if (source.readyState === source.CLOSED) resolve()
              })
            })
            return seen
          },
          { url: urlFor(build), build },
        )
        expect(seen).toEqual([
          [0, 503, 'HTTP 503 Service Unavailable. Reconnecting in 0 ms.'],
          'open',
          'between',
          [0, undefined, expect.stringMatching(/^The server ended the stream\. Reconnecting in \d+ ms\.$/)],
          [0, 503, 'HTTP 503 Service Unavailable. Reconnecting in 0 ms.'],
          [2, 503, 'HTTP 503 Service Unavailable. Gave up after 3 failed attempts in a row.'],
        ])
      })

      it('wakeUp(): when the network comes back, a source waiting a minute to reconnect connects at once', async () => {
        await defineLibrary()
        const urlFor = harness.route(harness.page, `wake-${build}`, (_request, response, index) => {
          startStream(response)
          if (index === 0) response.end('retry: 60000\ndata: before\n\n')
          else response.write('data: after\n\n')
        })
        await harness.evaluate(
          async ({ url, build }: PageRun) => {
            const { EventSource, wakeUp, transport } = library(build)
            const source = new EventSource(url, { transport, policies: [wakeUp()] })
            ;(globalThis as unknown as { waking: unknown }).waking = {
              source,
              after: new Promise<string>((resolve) => (source.onmessage = (event) => event.data === 'after' && resolve(event.data))),
            }
            await new Promise((resolve) => (source.onerror = resolve))
          },
          { url: urlFor(build), build },
        )
        await harness.setOffline(true)
        await harness.setOffline(false)
        const data = await harness.evaluate(async () => {
          const { source, after } = (globalThis as unknown as { waking: { source: EventSource; after: Promise<string> } }).waking
          // Well under the minute the reconnect timer was set for.
          const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`still ${source.readyState}`), 5000))
          const result = await Promise.race([after, timeout])
          source.close()
          return result
        }, undefined)
        expect(data).toBe('after')
        expect(harness.page.requestsTo(new URL(urlFor(build)).pathname)).toHaveLength(2)
      })

      it('signal and for await over messages(): the loop gets the messages and ends when the signal aborts', async () => {
        await defineLibrary()
        const urlFor = harness.route(harness.page, `iterate-${build}`, (_request, response) => {
          startStream(response)
          response.write('data: 1\n\nevent: other\ndata: skipped\n\ndata: 2\n\n')
        })
        const seen = await harness.evaluate(
          async ({ url, build }: PageRun) => {
            const { EventSource, messages, transport } = library(build)
            const controller = new AbortController()
            const source = new EventSource(url, { transport, signal: controller.signal })
            const received: string[] = []
            for await (const event of messages(source)) if (received.push(event.data) === 2) setTimeout(() => controller.abort(), 50)
            return { received, readyState: source.readyState }
          },
          { url: urlFor(build), build },
        )
        expect(seen).toEqual({ received: ['1', '2'], readyState: 2 })
      })
    })
  }

  // Issue 14: where the page's fetch cannot run the CORS probe, XHR's failures must still be reported.
  describe('the xhr transport where the CORS probe cannot run', () => {
    it.each(['throws', 'rejects'] as const)('reports a failed request and reconnects when fetch %s', async (how) => {
      await defineLibrary()
      const seen = await harness.evaluate(async (how: 'throws' | 'rejects') => {
        const { EventSource, transport } = library('xhr')
        const realFetch = globalThis.fetch
        globalThis.fetch = how === 'throws' ? () => { throw new TypeError('no fetch here') } : () => Promise.reject(new TypeError('no fetch here'))
        try {
          // Nothing listens there: the request fails before any response.
          const source = new EventSource('http://127.0.0.1:1/unreachable', { transport })
          const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`no error event, readyState ${source.readyState}`), 5000))
          const error = new Promise<string>((resolve) => (source.onerror = (event) => resolve(`${source.readyState} ${(event as Event & { message: string }).message}`)))
          const result = await Promise.race([error, timeout])
          source.close()
          return result
        } finally {
          globalThis.fetch = realFetch
        }
      }, how)
      expect(seen).toBe('0 The connection failed (XMLHttpRequest failed). Reconnecting in 3000 ms.')
    })
  })
})
