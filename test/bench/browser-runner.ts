/**
 * The browser benchmark's server: it serves one page per run (each navigation starts a fresh page and
 * heap), the libraries and the event streams, samples Chromium's processes when the page marks the
 * start and end of a run, and collects the results. Whoever starts the browser only opens `firstUrl`:
 * every page goes on to the next itself, so no DevTools session is needed.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { build } from 'esbuild'
import { startServer, startStream, type RouteHandler } from '../server/sse-server'
import { XHR_VARIANT, type Implementation, type PageResult, type Plan, type Scenario } from './browser-protocol'
import { createStreams, type StreamSizes } from './browser-streams'
import { cpuBetween, rendererRss, snapshot, type CpuDelta, type Snapshot } from './processes'

export interface RunRecord {
  plan: Plan
  page: PageResult
  cpu: CpuDelta
  /** memory: resident memory of all renderers after the page's gc() at the end. */
  rendererRss?: number
  /** Set when the run was stopped on purpose (memory limit) rather than measured. */
  skipped?: string
}

export interface BenchOptions {
  schedule: { implementation: Implementation; scenario: Scenario }[]
  sizes: StreamSizes
  /** JavaScript served at /lib/<name>.js and /page.js. */
  scripts: Record<string, string>
  timeoutMs: number
  /** memory: a stream is cut (and the run skipped) when the renderers' resident memory grows past this. */
  memoryLimitBytes: number
  /** Called after each run, for progress output. */
  onRecord?(record: RunRecord, index: number, total: number): void
  /** Holds the page at each mark (`start`, `end`, `heap`) until it resolves: a profiler starts or stops. */
  onMark?(plan: Plan, name: string): Promise<void>
}

export interface Bench {
  firstUrl: string
  /** The process tree to sample: Chromium's browser process. */
  watch(pid: number): void
  /** Every record, in run order; rejects at the first failed run, timeout or fail(). */
  done: Promise<RunRecord[]>
  fail(error: Error): void
  close(): Promise<void>
}

/** The scripts each implementation's page loads, in order; an inline script is given as `inline:` code. */
const PAGE_SCRIPTS: Record<Implementation, string[]> = {
  native: [],
  ours: ['/lib/ours.js'],
  eventsource: ['/lib/eventsource.js'],
  'event-source-polyfill': ['/lib/event-source-polyfill.js'],
  // It picks its transport when it loads: without fetch then, XMLHttpRequest.
  [XHR_VARIANT]: ['inline:self.benchFetch = fetch; self.fetch = undefined', '/lib/event-source-polyfill.js', 'inline:self.fetch = self.benchFetch'],
  'fetch-event-source': ['/lib/fetch-event-source.js'],
}

function pageHtml(plan: Plan): string {
  const scripts = PAGE_SCRIPTS[plan.implementation].map((script) => (script.startsWith('inline:') ? `<script>${script.slice(7)}</script>` : `<script src="${script}"></script>`))
  return `<!doctype html><meta charset="utf-8"><title>sse bench ${plan.id}</title>
<script>self.BENCH_PLAN = ${JSON.stringify(plan)}</script>
${scripts.join('\n')}
<script src="/page.js"></script>`
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of request) body += chunk
  return body
}

const WARMUP_MS = 3000

const json = (response: Parameters<RouteHandler>[1], value: unknown) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value))

export async function startBench(options: BenchOptions): Promise<Bench> {
  const server = await startServer()
  const streams = createStreams(options.sizes)
  const plans: Plan[] = options.schedule.map(({ implementation, scenario }, id) => {
    const { events, dataChars, bytes } = streams.of(implementation, scenario)
    return { id, implementation, scenario, streamUrl: server.url(`/stream/${id}`), events, dataChars, bytes, timeoutMs: options.timeoutMs }
  })
  const runs = plans.map(() => ({ marks: new Map<string, Snapshot>(), streamed: false, skipped: undefined as string | undefined }))
  const records: RunRecord[] = []
  let root: number | undefined
  const sample = () => snapshot(root)

  let resolveDone!: (records: RunRecord[]) => void
  let rejectDone!: (error: Error) => void
  const done = new Promise<RunRecord[]>((resolve, reject) => {
    resolveDone = resolve
    rejectDone = reject
  })
  done.catch(() => {}) // reported to whoever awaits it
  let failed = false
  const fail = (error: Error) => {
    failed = true
    clearTimeout(watchdog)
    rejectDone(error)
  }
  // The page has its own timeout; this one catches a page that never loads or never reports.
  let watchdog: ReturnType<typeof setTimeout> | undefined
  const arm = (id: number, extraMs: number) => {
    clearTimeout(watchdog)
    watchdog = setTimeout(() => fail(new Error(`run ${id} (${describe(plans[id]!)}): no result within ${(options.timeoutMs + extraMs) / 1000} s`)), options.timeoutMs + extraMs)
  }
  arm(0, 30_000 + WARMUP_MS) // Chromium's start-up too

  const idOf = (path: string) => {
    const id = Number(path.split('/')[2])
    if (!plans[id]) throw new Error(`no run ${path}`)
    return id
  }
  const route = (path: string, handler: RouteHandler) =>
    server.route(path, (request, response, index) => {
      // Any error in a handler ends the benchmark: nothing is reported from a run that went wrong.
      Promise.resolve()
        .then(() => handler(request, response, index))
        .catch((error: Error) => {
          if (!response.headersSent) response.writeHead(500).end()
          fail(error)
        })
    })

  for (const [name, code] of Object.entries(options.scripts)) {
    route(name === 'page' ? '/page.js' : `/lib/${name}.js`, (_request, response) => response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(code))
  }
  route('/favicon.ico', (_request, response) => response.writeHead(204).end())
  // Chromium keeps starting up for a while (and may start a spare renderer): nothing is measured then.
  route('/warmup', (_request, response) =>
    response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><script>setTimeout(() => location.replace('/run/0'), ${WARMUP_MS})</script>`),
  )

  route('/run/*', (request, response) => {
    const id = idOf(request.url!)
    arm(id, 10_000)
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageHtml(plans[id]!))
  })

  route('/mark/*', async (request, response) => {
    const [, , id, name] = request.url!.split('/')
    const plan = plans[Number(id)]!
    const { marks } = runs[plan.id]!
    // A hook (a profiler starting or stopping) runs outside the sampled span.
    if (name === 'start') await options.onMark?.(plan, name)
    marks.set(name!, sample())
    if (name !== 'start') await options.onMark?.(plan, name!)
    json(response, {})
  })

  route('/stream/*', (request, response) => {
    const id = idOf(request.url!)
    const run = runs[id]!
    if (run.streamed) {
      // Every stream is served once: a reconnect would count events twice.
      response.writeHead(204).end()
      return fail(new Error(`run ${id} (${describe(plans[id]!)}): the stream was requested again (a reconnect)`))
    }
    run.streamed = true
    startStream(response)
    const { implementation, scenario } = plans[id]!
    if (scenario === 'memory' && root !== undefined) {
      const guard = setInterval(() => {
        const rss = rendererRss(sample().processes)
        if (rss <= options.memoryLimitBytes) return
        run.skipped = `renderer memory passed ${(options.memoryLimitBytes / 2 ** 20).toFixed(0)} MiB (${(rss / 2 ** 20).toFixed(0)} MiB): stream cut`
        response.destroy()
      }, 250)
      response.once('close', () => clearInterval(guard))
    }
    streams.of(implementation, scenario).write(response).catch(fail)
  })

  route('/result/*', async (request, response) => {
    const id = idOf(request.url!)
    const plan = plans[id]!
    const run = runs[id]!
    const page = JSON.parse(await readBody(request)) as PageResult
    const stop = (reason: string) => {
      json(response, { next: null })
      fail(new Error(`run ${id} (${describe(plan)}): ${reason}`))
    }
    if (failed) return json(response, { next: null })
    if (page.error && !run.skipped) return stop(page.error)
    // The page checks this too; a result that does not add up is never reported.
    if (!run.skipped && (page.events !== plan.events || page.dataChars !== plan.dataChars)) return stop(`received ${page.events} events, expected ${plan.events}`)
    const marks = run.marks
    const record: RunRecord = {
      plan,
      page,
      // A failed (skipped) run has no end mark: it counts nothing.
      cpu: cpuBetween(marks.get('start') ?? sample(), marks.get('end') ?? marks.get('start') ?? sample()),
      rendererRss: marks.has('heap') ? rendererRss(marks.get('heap')!.processes) : undefined,
      skipped: run.skipped,
    }
    records.push(record)
    options.onRecord?.(record, id, plans.length)
    const next = plans[id + 1] ? server.url(`/run/${id + 1}`) : null
    json(response, { next })
    if (next) arm(id + 1, 10_000)
    else {
      clearTimeout(watchdog)
      resolveDone(records)
    }
  })

  return {
    firstUrl: server.url('/warmup'),
    watch: (pid) => void (root = pid),
    done,
    fail,
    close: () => {
      clearTimeout(watchdog)
      return server.close()
    },
  }
}

export const describe = (plan: Pick<Plan, 'implementation' | 'scenario'>) => `${plan.implementation}, ${plan.scenario}`

/** Finds the repository root: where package.json names sse-polyfill, from this file or the working directory. */
export function findRoot(start: string): string {
  for (const origin of [start, process.cwd()]) {
    for (let dir = origin; ; dir = join(dir, '..')) {
      try {
        if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'sse-polyfill') return dir
      } catch {
        // no package.json here
      }
      if (dir === join(dir, '..')) break
    }
  }
  throw new Error('run the benchmark from the sse-polyfill repository')
}

/**
 * Bundles the page and the libraries that ship no browser script (into node_modules/.cache, never
 * committed), and reads the rest. `ours` is the script-tag build, unless `oursFromSource` (readable
 * names for a profile).
 */
export async function bundleScripts(root: string, { oursFromSource = false } = {}): Promise<Record<string, string>> {
  const cache = join(root, 'node_modules/.cache/sse-polyfill-bench')
  mkdirSync(cache, { recursive: true })
  const bundle = async (name: string, entry: { file: string } | { code: string }, globalName?: string) => {
    const outfile = join(cache, `${name}.js`)
    await build({
      ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.code, resolveDir: root, loader: 'js' as const } }),
      bundle: true,
      format: 'iife',
      globalName,
      platform: 'browser',
      target: 'es2022',
      outfile,
      logLevel: 'warning',
    })
    return readFileSync(outfile, 'utf8')
  }
  const ours = oursFromSource ? bundle('ours', { file: join(root, 'src/global.ts') }) : readFileSync(join(root, 'dist/sse-polyfill.global.js'), 'utf8')
  return {
    page: await bundle('page', { file: join(root, 'test/bench/browser-page.ts') }),
    ours: await ours,
    eventsource: await bundle('eventsource', { code: "export { EventSource } from 'eventsource'" }, 'BenchEventSource'),
    'event-source-polyfill': readFileSync(join(root, 'node_modules/event-source-polyfill/src/eventsource.js'), 'utf8'),
    'fetch-event-source': await bundle('fetch-event-source', { code: "export { fetchEventSource } from '@microsoft/fetch-event-source'" }, 'BenchFetchEventSource'),
  }
}
