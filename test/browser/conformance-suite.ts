/**
 * Side by side with a browser's native EventSource: each scenario runs one client script with native,
 * with our script-tag build and with our ESM build, in one page (some also in a dedicated worker),
 * against real loopback servers. Every event's type, data, lastEventId, origin and readyState, the final
 * readyState, and what the server saw of each stream request must be equal, unless a scenario names a
 * difference. Written once, run in each engine (`conformance.*.test.ts`).
 */
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordedRequest } from '../server/sse-server'
import { findEngine, PACKAGES, type Engine } from './drivers'
import { IMPLEMENTATIONS, POLYFILLS, startHarness, type Harness, type Implementation } from './harness'
import { corsScenarios } from './scenarios/cors'
import { decodingScenarios } from './scenarios/decoding'
import { formatScenarios } from './scenarios/format'
import { reconnectionScenarios } from './scenarios/reconnection'
import { redirectScenarios, serveLandings } from './scenarios/redirects'
import { responseScenarios } from './scenarios/responses'
import { ENGINE_DEVIATIONS } from './scenarios/engines'
import { differenceFor, summarize, type Difference, type Scenario, type Summary } from './scenarios/scenario'

async function check(h: Harness, scenario: Scenario, name: string, worker: boolean): Promise<void> {
  const server = h[scenario.server ?? 'page']
  const urlFor = scenario.handler ? h.route(server, name, scenario.handler) : () => scenario.url!
  const { engine } = h
  const deviation = engine === 'chromium' ? undefined : ENGINE_DEVIATIONS[engine][scenario.name]
  // Where Chromium contradicts the spec, other engines are held to the spec; known differences of ours
  // (what a transport cannot see) hold everywhere.
  const differenceOf = (implementation: Implementation): Difference | undefined => {
    const difference = differenceFor(scenario, implementation)
    return engine === 'chromium' || difference?.kind === 'known difference' ? difference : undefined
  }
  const spec: Summary[] | undefined = engine !== 'chromium' && scenario.difference?.kind === 'chromium contradicts the spec' ? scenario.difference.polyfill : scenario.expected
  const native = await h.run('native', urlFor('native', worker), scenario.plan, worker)
  expect(native.url).toBe(urlFor('native', worker))
  // For triage in a new engine or version: SSE_PRINT_NATIVE=1 prints native's traces, to list in engines.ts.
  if (process.env.SSE_PRINT_NATIVE) console.log('NATIVE', JSON.stringify([scenario.name, summarize(native.events)]))
  const nativeTrace = deviation?.native ?? spec
  if (nativeTrace) expect(summarize(native.events), `${engine}'s native`).toEqual(nativeTrace)
  /** What ours must give: native's very trace, or this summary. */
  const reference = (implementation: Implementation): 'native' | Summary[] => {
    const own = (implementation === 'xhr' ? deviation?.oursOverXhr : undefined) ?? deviation?.ours
    if (own) return own === 'same as native' ? 'native' : own
    const difference = differenceOf(implementation)
    if (difference) return difference.polyfill
    // Where native departs from the spec, ours follows the spec.
    return deviation?.native ? spec! : 'native'
  }
  for (const implementation of POLYFILLS) {
    const ours = await h.run(implementation, urlFor(implementation, worker), scenario.plan, worker)
    expect(ours.url).toBe(urlFor(implementation, worker))
    const expected = reference(implementation)
    if (expected !== 'native') {
      expect(summarize(ours.events), implementation).toEqual(expected)
    } else {
      expect(ours.events, implementation).toEqual(native.events)
      expect(ours.finalReadyState, implementation).toBe(native.finalReadyState)
    }
  }
  if (!scenario.handler) return
  const requestsOf = (implementation: Implementation) => server.requestsTo(new URL(urlFor(implementation, worker)).pathname)
  // Where native deviates from the spec, it may have asked for other things.
  if (!scenario.serverViewDiffers && !deviation) {
    for (const implementation of POLYFILLS.filter((implementation) => !differenceOf(implementation))) expect(serverView(requestsOf(implementation), implementation), implementation).toEqual(serverView(requestsOf('native'), implementation))
  }
  // What the server saw is checked where the trace is the spec's.
  const followsSpec = (implementation: Implementation) =>
    !deviation || (implementation !== 'native' && !deviation.ours && !deviation.oursRequestsDiffer && !(implementation === 'xhr' && deviation.oursOverXhr))
  for (const implementation of IMPLEMENTATIONS.filter(followsSpec)) scenario.serverSaw?.(requestsOf(implementation), implementation)
}

/**
 * What the server saw of each stream request (not preflights, nor our no-cors probe), as compared with
 * `implementation`'s. XMLHttpRequest has no cache mode, so it sends no `Cache-Control: no-cache`;
 * setting that header would make every request that goes cross-origin preflighted (a same-origin URL
 * that redirects to another origin too), so ours over XHR does without.
 */
function serverView(requests: RecordedRequest[], implementation: Implementation) {
  return requests
    .filter((request) => request.method === 'GET' && request.headers['sec-fetch-mode'] !== 'no-cors')
    .map(({ headers, lastEventId }) => ({
      accept: headers.accept,
      lastEventId,
      cookie: headers.cookie,
      origin: headers.origin,
      ...(implementation === 'xhr' ? {} : { cacheControl: headers['cache-control'] }),
    }))
}

/** A loopback URL where nothing listens: a port just freed. */
async function unreachableUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}/`
}

// Four runs of up to 8 s each, where an engine's trace stops short of the plan.
const TIMEOUT = 40_000

const TITLES: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }

export async function conformanceSuite(engine: Engine): Promise<void> {
  // A developer machine without the engine skips it with a reason; CI installs it, so it must run there.
  if (!findEngine(engine) && process.env.CI) throw new Error(`CI must run the browser tests: apt-get install -y ${PACKAGES[engine]}`)
  const harness = findEngine(engine) ? await startHarness(engine) : undefined
  describe.skipIf(!harness)(`${TITLES[engine]}: native EventSource and ours, side by side`, () => {
    if (!harness) return
    beforeAll(async () => {
      // One cookie for 127.0.0.1, whatever the port: another port is cross-origin but same-site.
      await harness.addCookie('session', 's3cr3t')
      serveLandings(harness)
    })
    afterAll(() => harness.close())

    const tables = { format: formatScenarios, decoding: decodingScenarios, responses: responseScenarios, redirects: redirectScenarios, reconnection: reconnectionScenarios, cors: corsScenarios }
    for (const [area, table] of Object.entries(tables)) {
      describe(area, () => {
        for (const [index, scenario] of table(harness).entries()) {
          const { difference } = scenario
          const over = difference?.transport ? ` over ${difference.transport}` : ''
          const name = difference ? `${scenario.name} [${difference.kind}${over}: ${difference.reason}]` : scenario.name
          it(name, () => check(harness, scenario, `${area}-${index}`, false), TIMEOUT)
          if (scenario.worker) it(`[dedicated worker] ${name}`, () => check(harness, scenario, `${area}-${index}`, true), TIMEOUT)
        }
      })
    }

    // Why ours sends a no-cors probe (transports/cors.ts): nothing a page can read tells a CORS refusal
    // from a server that cannot be reached. If an engine starts telling them apart, this fails.
    it('fetch fails alike for a CORS refusal and an unreachable server: the error and the resource timing entry', async () => {
      harness.cross.route('/no-cors-headers', (_request, response) => response.writeHead(200, { 'Content-Type': 'text/event-stream' }).end('data: x\n\n'))
      const failures = await harness.evaluate(async (urls: string[]) => {
        const failure = async (url: string) => {
          const start = performance.now()
          const error = await fetch(url).then(() => undefined, (error: Error) => error)
          // The entry's timings are those of any response that Timing-Allow-Origin does not open, so
          // only its presence and what it says of the response are compared.
          const entries = performance.getEntriesByName(url, 'resource').filter((entry) => entry.startTime >= start) as PerformanceResourceTiming[]
          return { error: error && `${error.name}: ${error.message}`, entries: entries.map(({ responseStatus, transferSize, nextHopProtocol }) => ({ responseStatus, transferSize, nextHopProtocol })) }
        }
        return [await failure(urls[0]!), await failure(urls[1]!)]
      }, [harness.cross.url('/no-cors-headers'), await unreachableUrl()])
      expect(failures[0]!.error).toMatch(/^TypeError: /)
      expect(failures[0]).toEqual(failures[1])
    })
  })
}
