/**
 * What native cannot do, in Chromium with both of our builds: custom headers on the first request and
 * every reconnect (with the CORS preflight they cause), the headers function called again on reconnect,
 * the Last-Event-ID query parameter, the inactivity timeout, and the HTTP status on error events.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { RouteHandler } from '../server/sse-server'
import { startStream } from '../server/sse-server'
import { findChromium, POLYFILLS, startHarness } from './harness'
import { corsHeaders, summarize } from './scenarios/scenario'

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')
const harness = chromiumPath ? await startHarness() : undefined

describe.skipIf(!harness)('[non-spec] Chromium: our extras', () => {
  if (!harness) return
  afterAll(() => harness.close())

  /** A cross-origin stream that ends after each event, allowing the given request headers in its preflight. */
  function crossOriginStream(allowHeaders: string | undefined): RouteHandler {
    let streams = 0
    return (request, response) => {
      const cors = { ...corsHeaders(harness!, true), ...(allowHeaders ? { 'Access-Control-Allow-Headers': allowHeaders } : {}) }
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      startStream(response, cors)
      response.end(`retry: 50\nid: ${++streams}\ndata: ${request.headers.authorization}\n\n`)
    }
  }

  it('the default ESM build, which bundlers without the browser condition give pages, lets fetch follow redirects there', async () => {
    harness.page.route('/default-build/landing', (_request, response) => {
      startStream(response)
      response.write('data: landed\n\n')
    })
    harness.page.route('/default-build/redirect', (_request, response) => void response.writeHead(302, { Location: '/default-build/landing' }).end())
    const data = await harness.evaluate(async (url) => {
      const { EventSource } = (globalThis as unknown as { SSEPolyfillDefault: { EventSource: typeof globalThis.EventSource } }).SSEPolyfillDefault
      const source = new EventSource(url)
      const event = await new Promise<MessageEvent>((resolve, reject) => {
        source.onmessage = resolve
        source.onerror = (error) => reject(new Error((error as Event & { message?: string }).message))
      })
      source.close()
      return event.data as string
    }, harness.page.url('/default-build/redirect'))
    // Following the redirect by hand, as outside browsers, would get an opaque redirect here and fail.
    expect(data).toBe('landed')
  })

  it("gives events the constructor of the realm the EventSource came from, as native (WPT eventsource-onmessage-realm)", async () => {
    harness.page.route('/realm/frame', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/html' }).end('<script src="/dist/sse-polyfill.global.js"></script>'))
    harness.page.route('/realm/stream', (_request, response) => {
      startStream(response)
      response.write('data: x\n\n')
    })
    const seen = await harness.evaluate(
      async ({ frameUrl, streamUrl }) => {
        const frame = document.createElement('iframe')
        frame.src = frameUrl
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }))
        document.body.append(frame)
        await loaded
        const realm = frame.contentWindow as unknown as { EventSource: typeof EventSource; MessageEvent: typeof MessageEvent; SSEPolyfill: { EventSource: typeof EventSource } }
        const check = async (Source: typeof EventSource) => {
          const source = new Source(streamUrl)
          const event = await new Promise<MessageEvent>((resolve) => (source.onmessage = resolve))
          source.close()
          return { realms: event.constructor === realm.MessageEvent, top: event.constructor === MessageEvent }
        }
        const result = { native: await check(realm.EventSource), ours: await check(realm.SSEPolyfill.EventSource) }
        frame.remove()
        return result
      },
      { frameUrl: harness.page.url('/realm/frame'), streamUrl: harness.page.url('/realm/stream') },
    )
    expect(seen.native).toEqual({ realms: true, top: false })
    expect(seen.ours).toEqual(seen.native)
  })

  for (const build of POLYFILLS) {
    describe(`${build} build`, () => {
      it('dispatches MessageEvents built without an init dictionary, read-only as native ones', async () => {
        const urlFor = harness.route(harness.page, `fast-${build}`, (_request, response) => {
          startStream(response)
          response.write('id: 7\nevent: notification\ndata: {"n":7}\n\n')
        })
        const seen = await harness.evaluate(
          async ({ url, build }) => {
            const scope = globalThis as unknown as Record<'SSEPolyfill' | 'SSEPolyfillESM', { EventSource: typeof EventSource; xhr: () => unknown }>
            const exports = scope[build === 'global' ? 'SSEPolyfill' : 'SSEPolyfillESM']
            const source = new exports.EventSource(url, { transport: build === 'xhr' ? exports.xhr() : undefined } as EventSourceInit)
            const event = await new Promise<MessageEvent>((resolve) => source.addEventListener('notification', (e) => resolve(e as MessageEvent)))
            source.close()
            // Read-only: the assignment throws in strict code and does nothing here.
            Reflect.set(event, 'data', 'changed')
            const { type, data, origin, lastEventId } = event
            const constructors = [event.constructor, Object.getPrototypeOf(event).constructor].map((value) => value === MessageEvent)
            return { fastPath: Object.getPrototypeOf(event) !== MessageEvent.prototype, instance: event instanceof MessageEvent, constructors, type, data, lastEventId, ownOrigin: origin === location.origin }
          },
          { url: urlFor(build), build },
        )
        expect(seen).toEqual({ fastPath: true, instance: true, constructors: [true, true], type: 'notification', data: '{"n":7}', lastEventId: '7', ownOrigin: true })
      })

      it('sends Authorization cross-origin on the first request and every reconnect, after the preflight that allows it', async () => {
        const urlFor = harness.route(harness.cross, `auth-${build}`, crossOriginStream('authorization, last-event-id'))
        const run = await harness.run(build, urlFor(build), { stopAfter: 6, options: { withCredentials: true, headers: { Authorization: 'Bearer jwt' } } })
        expect(summarize(run.events)).toEqual([['open', 1], ['message', 1, 'Bearer jwt', '1'], ['error', 0], ['open', 1], ['message', 1, 'Bearer jwt', '2'], ['error', 0]])
        const requests = harness.cross.requestsTo(new URL(urlFor(build)).pathname)
        // Fetch's no-store requests bypass Chromium's preflight cache; XHR has no cache mode, and the
        // first preflight, which allowed Last-Event-ID too, serves its reconnect.
        const preflight = ['OPTIONS', undefined, undefined]
        const expected = [preflight, ['GET', 'Bearer jwt', undefined], ...(build === 'xhr' ? [] : [preflight]), ['GET', 'Bearer jwt', '1']]
        expect(requests.map((r) => [r.method, r.headers.authorization, r.lastEventId]).slice(0, expected.length)).toEqual(expected)
      })

      it('resumes with the id in the query and warns once where the preflight allows Authorization alone (a Spring allow-list)', async () => {
        const urlFor = harness.route(harness.cross, `allow-list-${build}`, crossOriginStream('authorization'))
        await harness.evaluate(() => {
          const page = globalThis as unknown as { warnings: string[]; pageWarn?: typeof console.warn }
          page.warnings = []
          page.pageWarn ??= console.warn
          console.warn = (...args: unknown[]) => void page.warnings.push(args.join(' '))
        }, undefined)
        const run = await harness.run(build, urlFor(build), { stopAfter: 6, options: { headers: { Authorization: 'Bearer jwt' } } })
        const warnings = await harness.evaluate(() => {
          const page = globalThis as unknown as { warnings: string[]; pageWarn: typeof console.warn }
          console.warn = page.pageWarn
          return page.warnings
        }, undefined)
        // The no-cors probe that found the server there was answered with the stream numbered 2.
        expect(summarize(run.events)).toEqual([['open', 1], ['message', 1, 'Bearer jwt', '1'], ['error', 0], ['open', 1], ['message', 1, 'Bearer jwt', '3'], ['error', 0]])
        const streams = harness.cross.requestsTo(new URL(urlFor(build)).pathname).filter((r) => r.method === 'GET' && r.headers['sec-fetch-mode'] === 'cors')
        expect(streams.slice(0, 2).map((r) => [r.search, r.lastEventId])).toEqual([['', undefined], ['?lastEventId=1', undefined]])
        expect(warnings).toEqual([expect.stringMatching(/^EventSource: CORS refused the Last-Event-ID header for http:\/\/127\.0\.0\.1:\d+\/allow-list-\w+\/\w+; sending the id as the query parameter "lastEventId" instead\. Allow Last-Event-ID/)])
      })

      it('fails with CLOSED and says why when the preflight does not allow the header', async () => {
        const urlFor = harness.route(harness.cross, `refused-${build}`, crossOriginStream(undefined))
        const run = await harness.run(build, urlFor(build), { stopAfter: 1, settleMs: 300, recordErrorDetails: true, options: { headers: { Authorization: 'Bearer jwt' } } })
        expect(run.events).toEqual([{ type: 'error', readyState: 2, status: undefined, message: expect.stringMatching(/^CORS blocked the response of http:\/\/127\.0\.0\.1:\d+: /) }])
        expect(run.events[0]!.message).not.toContain('Bearer jwt')
      })

      it('calls the headers function again for every reconnect', async () => {
        const urlFor = harness.route(harness.page, `counter-${build}`, (request, response) => {
          startStream(response)
          response.end(`retry: 50\ndata: ${request.headers.authorization}\n\n`)
        })
        const run = await harness.run(build, urlFor(build), { stopAfter: 8, authorizationCounter: 'Bearer ' })
        expect(run.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['Bearer 1', 'Bearer 2', 'Bearer 3'])
      })

      it('sends the last event ID as the named query parameter too', async () => {
        const urlFor = harness.route(harness.page, `query-${build}`, (_request, response, index) => {
          startStream(response)
          response.end(`retry: 50\nid: ${index + 5}\ndata: x\n\n`)
        })
        await harness.run(build, `${urlFor(build)}?topic=a`, { stopAfter: 6, options: { lastEventIdQueryParameterName: 'lastEventId' } })
        const requests = harness.page.requestsTo(new URL(urlFor(build)).pathname)
        expect(requests.slice(0, 2).map((r) => [r.search, r.lastEventId])).toEqual([['?topic=a', undefined], ['?topic=a&lastEventId=5', '5']])
      })

      it('drops a silent stream after heartbeatTimeout and reconnects; comments keep it alive', async () => {
        const urlFor = harness.route(harness.page, `silent-${build}`, (_request, response, index) => {
          startStream(response)
          response.write(`retry: 50\ndata: ${index}\n\n`)
          // The first connection sends comments for a while, then goes silent. Gaps of 150 ms against a
          // 600 ms timeout: a busy machine may delay a comment a lot before the stream would look silent.
          if (index === 0) for (const delay of [150, 300, 450]) setTimeout(() => response.write(':\n'), delay)
        })
        const run = await harness.run(build, urlFor(build), { stopAfter: 5, recordErrorDetails: true, options: { heartbeatTimeout: 600 } })
        // The comments until 450 ms kept the first connection alive: the timeout came 600 ms after the last.
        const [first, second] = harness.page.requestsTo(new URL(urlFor(build)).pathname)
        expect(second!.time - first!.time).toBeGreaterThanOrEqual(1050)
        expect(run.events.map((e) => [e.type, e.readyState, e.data ?? e.message])).toEqual([
          ['open', 1, undefined],
          ['message', 1, '0'],
          ['error', 0, 'No activity within 600 milliseconds. Reconnecting in 50 ms.'],
          ['open', 1, undefined],
          ['message', 1, '1'],
        ])
      })

      it('loses Authorization on a cross-origin redirect, and every custom header on the reconnects that go straight there', async () => {
        let streams = 0
        const target = harness.route(harness.cross, `redirect-target-${build}`, (request, response) => {
          const cors = { ...corsHeaders(harness), 'Access-Control-Allow-Headers': 'authorization, x-tenant, last-event-id' }
          if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
          startStream(response, cors)
          const text = `retry: 50\ndata: ${request.headers.authorization ?? 'no authorization'} ${request.headers['x-tenant'] ?? 'no tenant'}\n\n`
          // The first stream ends, so that a reconnect follows; the second stays open.
          if (streams++ === 0) response.end(text)
          else response.write(text)
        })
        const urlFor = harness.route(harness.page, `redirecting-${build}`, (_request, response) => response.writeHead(307, { Location: target(build) }).end())
        const run = await harness.run(build, urlFor(build), { stopAfter: 5, options: { headers: { Authorization: 'Bearer secret', 'X-Tenant': '7' } } })
        // The first request follows the redirect in fetch, which drops Authorization and asks the target
        // about X-Tenant; the reconnect goes to the target, another origin, without custom headers.
        expect(run.events.map((e) => e.data ?? e.type)).toEqual(['open', 'no authorization 7', 'error', 'open', 'no authorization no tenant'])
        expect(harness.page.requestsTo(new URL(urlFor(build)).pathname).map((r) => r.headers.authorization)).toEqual(['Bearer secret'])
      })

      it('gives error events the HTTP status and a reason', async () => {
        const urlFor = harness.route(harness.page, `status-${build}`, (_request, response) => response.writeHead(401, 'Unauthorized').end())
        const run = await harness.run(build, urlFor(build), { stopAfter: 1, recordErrorDetails: true })
        expect(run.events).toEqual([{ type: 'error', readyState: 2, status: 401, message: 'HTTP 401 Unauthorized. EventSource does not retry.' }])
      })
    })
  }
})
