/**
 * Browser benchmark: our EventSource against Chromium's native one (and eventsource, event-source-polyfill,
 * @microsoft/fetch-event-source) on renderer CPU, latency and memory. Prints markdown tables.
 *
 * Chromium is started by hand, never through Playwright or CDP: DevTools network reporting slows the
 * native EventSource several times. Each run is its own page, which measures itself and reports back to
 * the server; the server samples the CPU time of Chromium's processes from /proc when the page marks
 * the start and the end of a run.
 *
 *   npm run bench -- browser
 *   npm run bench -- firefox      (BENCH_BROWSER=firefox: the same in Firefox, without memory)
 *
 * Firefox is started the same way (headless, a fresh profile whose user.js stops first-run pages,
 * telemetry, updates and background traffic); its web content processes are its renderers. Memory needs
 * gc() and performance.memory, which only Chromium exposes to a page.
 *
 * Environment: BENCH_BROWSER (chromium, or firefox), BENCH_RUNS (5), BENCH_SCENARIOS
 * (small,large,split,latency,memory; Firefox: no memory), BENCH_IMPLEMENTATIONS (all), BENCH_TIMEOUT_MS
 * (60000 per run), BENCH_MEMORY_LIMIT_MB (1536), BENCH_SMALL_EVENTS (100000), BENCH_LARGE_EVENTS
 * (1000), BENCH_SPLIT_EVENTS (500), BENCH_LATENCY_EVENTS (1000), BENCH_MEMORY_EVENTS (4600),
 * BENCH_XHR_MEMORY_EVENTS (1000), CHROMIUM_PATH, FIREFOX_PATH.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IMPLEMENTATIONS, XHR_VARIANT, type Implementation, type Scenario } from './browser-protocol'
import { bundleScripts, describe, findRoot, startBench, type RunRecord } from './browser-runner'
import { DEFAULT_SIZES, type StreamSizes } from './browser-streams'
import { CLOCK_TICKS_PER_SECOND, descendants } from './processes'

const SCENARIOS: Scenario[] = ['small', 'large', 'split', 'latency', 'memory']
// Anything else running on the machine skews CPU and latency: the report says how busy it was.
let loadBefore = 0

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // For the memory runs: gc() and an exact performance.memory.usedJSHeapSize in the page.
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
]

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const value = process.env[name]
  if (!value) return [...all]
  const chosen = value.split(',').map((item) => item.trim()) as T[]
  const unknown = chosen.filter((item) => !all.includes(item))
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`)
  return chosen
}

/** What differs between the browsers: how one is started, and what the report calls its processes. */
interface Browser {
  name: string
  path: string | undefined
  missing: string
  scenarios: Scenario[]
  /** The command line that opens `url` in the fresh profile `profile` (written here if need be). */
  args(profile: string, url: string): string[]
  /** What `renderer` sums, and the column of the `network` kind. */
  renderers: string
  networkColumn: string
  /** Said under the latency table, if anything. */
  latencyNote?: string
}

/** Firefox's user.js: no first-run or welcome pages, telemetry, updates or background traffic. */
const FIREFOX_PREFS: Record<string, boolean | number | string> = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.page': 0,
  'browser.startup.homepage_override.mstone': 'ignore',
  'startup.homepage_welcome_url': '',
  'startup.homepage_welcome_url.additional': '',
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.sessionstore.resume_from_crash': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'browser.ping-centre.telemetry': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.update.auto': false,
  'app.update.enabled': false,
  'app.update.disabledForTesting': true,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
  'browser.region.network.url': '',
  'browser.search.update': false,
  'geo.provider.network.url': '',
  'media.gmp-manager.updateEnabled': false,
  'browser.discovery.enabled': false,
  'browser.translations.enable': false,
  'browser.ml.enable': false,
  'dom.max_script_run_time': 0,
  // Latency is measured with performance.now(), whose precision Firefox otherwise coarsens.
  'privacy.reduceTimerPrecision': false,
}

const browserName = process.env.BENCH_BROWSER ?? 'chromium'
const BROWSERS: Record<string, () => Browser> = {
  chromium: () => ({
    name: 'Chromium',
    path: [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((path): path is string => !!path && existsSync(path)),
    missing: 'Chromium not found: install Debian chromium or set CHROMIUM_PATH',
    scenarios: SCENARIOS,
    args: (profile, url) => [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, url],
    renderers: 'every renderer process',
    networkColumn: 'network service ms',
  }),
  firefox: () => ({
    name: 'Firefox',
    path: [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path): path is string => !!path && existsSync(path)),
    missing: 'Firefox not found: install Debian firefox-esr or set FIREFOX_PATH',
    scenarios: SCENARIOS.filter((scenario) => scenario !== 'memory'),
    args(profile, url) {
      writeFileSync(join(profile, 'user.js'), Object.entries(FIREFOX_PREFS).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`).join(''))
      return ['--headless', '--no-remote', '--profile', profile, url]
    },
    renderers: 'every web content process',
    networkColumn: 'socket process ms',
    // Seen here: native's p50 from −0.54 to +0.54 ms, from one Firefox start to the next.
    latencyNote: "Firefox's page clock is off the server's by up to a millisecond, by a different amount each time it starts (p50 may be negative): compare the added columns, not p50 and p99 themselves.",
  }),
}
if (!BROWSERS[browserName]) throw new Error(`BENCH_BROWSER: unknown ${browserName} (known: ${Object.keys(BROWSERS).join(', ')})`)
const browser = BROWSERS[browserName]!()

const runs = env('BENCH_RUNS', 5)
const scenarios = list('BENCH_SCENARIOS', browser.scenarios)
const implementations = list<Implementation>('BENCH_IMPLEMENTATIONS', [...IMPLEMENTATIONS, XHR_VARIANT])
const sizes: StreamSizes = {
  ...DEFAULT_SIZES,
  smallEvents: env('BENCH_SMALL_EVENTS', DEFAULT_SIZES.smallEvents),
  largeEvents: env('BENCH_LARGE_EVENTS', DEFAULT_SIZES.largeEvents),
  splitEvents: env('BENCH_SPLIT_EVENTS', DEFAULT_SIZES.splitEvents),
  latencyEvents: env('BENCH_LATENCY_EVENTS', DEFAULT_SIZES.latencyEvents),
  memoryEvents: env('BENCH_MEMORY_EVENTS', DEFAULT_SIZES.memoryEvents),
  xhrMemoryEvents: env('BENCH_XHR_MEMORY_EVENTS', DEFAULT_SIZES.xhrMemoryEvents),
}
const browserPath = browser.path
if (!browserPath) throw new Error(browser.missing)

/** Round-robin: every round runs each scenario with each implementation, starting one further each round. */
function schedule(): { implementation: Implementation; scenario: Scenario }[] {
  const entries: { implementation: Implementation; scenario: Scenario }[] = []
  for (let round = 0; round < runs; round++) {
    for (const scenario of scenarios) {
      // The XHR fallback of event-source-polyfill matters for memory only.
      const those = implementations.filter((implementation) => implementation !== XHR_VARIANT || scenario === 'memory')
      const shift = round % those.length
      for (const implementation of [...those.slice(shift), ...those.slice(0, shift)]) entries.push({ implementation, scenario })
    }
  }
  return entries
}

async function main(): Promise<void> {
  const root = findRoot(dirname(fileURLToPath(import.meta.url)))
  if (!existsSync(join(root, 'dist/sse-polyfill.global.js'))) throw new Error('dist/sse-polyfill.global.js is missing: npm run build first')
  const scripts = await bundleScripts(root)
  loadBefore = loadavg()[0]!
  const bench = await startBench({
    schedule: schedule(),
    sizes,
    scripts,
    timeoutMs: env('BENCH_TIMEOUT_MS', 60_000),
    memoryLimitBytes: env('BENCH_MEMORY_LIMIT_MB', 1536) * 2 ** 20,
    onRecord: (record, index, total) => process.stderr.write(`[${index + 1}/${total}] ${describe(record.plan)}: ${record.skipped ?? `${record.page.wallMs.toFixed(0)} ms wall, ${record.cpu.renderer} ms renderer CPU, ${record.cpu.network} ms network, ${record.cpu.others.toFixed(0)} ms other processes`}${record.cpu.newRenderers ? `, ${record.cpu.newRenderers} new renderer(s)` : ''}\n`),
  })

  const userDataDir = mkdtempSync(join(tmpdir(), `sse-bench-${browserName}-`))
  const child = spawn(browserPath!, browser.args(userDataDir, bench.firstUrl), { stdio: ['ignore', 'ignore', 'pipe'] })
  // Chromium logs freely (D-Bus is missing here): keep the end, to show if it dies.
  let log = ''
  child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)))
  child.once('exit', (code, signal) => bench.fail(new Error(`${browser.name} exited (${code ?? signal}) before the end:\n${log}`)))
  child.once('error', (error) => bench.fail(error))
  if (child.pid !== undefined) bench.watch(child.pid)
  const stop = () => stopBrowser(child.pid)
  process.once('SIGINT', () => bench.fail(new Error('interrupted')))
  process.once('SIGTERM', () => bench.fail(new Error('terminated')))

  let records: RunRecord[]
  try {
    records = await bench.done
  } finally {
    await stop()
    await bench.close()
    rmSync(userDataDir, { recursive: true, force: true })
  }
  process.stdout.write(report(records))
}

/** Ends the browser and whatever it started, by pid; SIGKILL for what is still there after 5 s. */
async function stopBrowser(pid: number | undefined): Promise<void> {
  if (pid === undefined) return
  const tree = descendants(pid)
  const alive = (p: number) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z ')
  const signal = (p: number, name: NodeJS.Signals) => {
    try {
      process.kill(p, name)
    } catch {
      // already gone
    }
  }
  signal(pid, 'SIGTERM')
  for (let waited = 0; waited < 5000 && tree.some(alive); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100))
  for (const p of tree) if (alive(p)) signal(p, 'SIGKILL')
}

// ---- Report ----

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const fixed = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits))
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2)

const LABELS: Record<Implementation, string> = {
  native: 'native EventSource',
  ours: 'sse-polyfill (ours)',
  eventsource: 'eventsource 5',
  'event-source-polyfill': 'event-source-polyfill ¹',
  [XHR_VARIANT]: 'event-source-polyfill, XHR ²',
  'fetch-event-source': '@microsoft/fetch-event-source ³',
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n')
}

function report(records: RunRecord[]): string {
  const of = (scenario: Scenario, implementation: Implementation) => records.filter((r) => r.plan.scenario === scenario && r.plan.implementation === implementation && !r.skipped)
  const skippedOf = (scenario: Scenario, implementation: Implementation) => records.filter((r) => r.plan.scenario === scenario && r.plan.implementation === implementation && r.skipped)
  const implementationsIn = (scenario: Scenario) => implementations.filter((i) => i !== XHR_VARIANT || scenario === 'memory')
  const cpuRange = (rs: RunRecord[]) => `${fixed(median(rs.map((r) => r.cpu.renderer)))} (${Math.min(...rs.map((r) => r.cpu.renderer))}–${Math.max(...rs.map((r) => r.cpu.renderer))})`
  const out: string[] = []
  const version = execFileSync(browserPath!, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU'
  out.push(`## Browser benchmark: EventSource implementations in ${browser.name}`, '')
  out.push(`${new Date().toISOString()} · ${version} · ${cpuModel}, ${cpus().length} cores · Node ${process.version} · load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`)
  out.push(
    `Medians of ${runs} runs per row, interleaved round-robin, each run a fresh page in one headless ${browser.name} started without DevTools. ` +
      `CPU is utime+stime from /proc (clock tick ${1000 / CLOCK_TICKS_PER_SECOND} ms), between the page's start and end marks; "renderer" sums ${browser.renderers} (range over runs in parentheses).`,
    '',
  )
  // Busy time of the machine that neither Chromium nor this server used during the measured spans, as a
  // share of one core. Some is always there (kernel threads); another benchmark shows as ~100%.
  const shares = records.filter((r) => !r.skipped && r.page.wallMs > 0).map((r) => r.cpu.others / r.page.wallMs)
  const busy = shares.filter((share) => share > 0.5).length
  out.push(
    `Other processes' CPU during the measured runs: median ${fixed(100 * median(shares))}% of a core, max ${fixed(100 * Math.max(...shares))}%; ${busy} of ${shares.length} runs above 50%` +
      (busy > shares.length / 10 ? ' **(the machine was busy: these numbers are skewed)**.' : '.'),
    '',
  )
  const cpuTable = (scenario: Scenario, title: string) => {
    const native = of(scenario, 'native')
    const nativeCpu = native.length ? median(native.map((r) => r.cpu.renderer)) : NaN
    const rows = implementationsIn(scenario).flatMap((implementation) => {
      const rs = of(scenario, implementation)
      if (rs.length === 0) return []
      const cpu = median(rs.map((r) => r.cpu.renderer))
      return [
        [
          LABELS[implementation],
          fixed(median(rs.map((r) => r.page.wallMs))),
          cpuRange(rs),
          fixed((cpu * 1000) / rs[0]!.plan.events, cpu * 1000 < 100 * rs[0]!.plan.events ? 2 : 0),
          fixed(cpu / nativeCpu, 2),
          fixed(median(rs.map((r) => r.cpu.rendererMain))),
          fixed(median(rs.map((r) => r.cpu.network))),
          fixed(median(rs.map((r) => r.cpu.total))),
        ],
      ]
    })
    out.push(`### ${title}`, '')
    out.push(table(['implementation', 'wall ms', 'renderer CPU ms', 'renderer CPU µs/event', '× native', 'renderer main thread ms', browser.networkColumn, `all ${browser.name} ms`], rows), '')
  }
  const mb = (scenario: Scenario, implementation: Implementation = 'native') => {
    const plan = records.find((r) => r.plan.scenario === scenario && r.plan.implementation === implementation)?.plan
    return plan ? `${(plan.bytes / 1e6).toFixed(1)} MB` : '?'
  }
  if (scenarios.includes('small')) cpuTable('small', `(a) ${sizes.smallEvents.toLocaleString('en')} small events (\`id: n\` + \`data: {"n":n,"text":"hello"}\`, ${mb('small')})`)
  if (scenarios.includes('large')) cpuTable('large', `(b) ${sizes.largeEvents.toLocaleString('en')} events of 64 KiB, one data line each (${mb('large')})`)
  if (scenarios.includes('split')) cpuTable('split', `(b2) ${sizes.splitEvents.toLocaleString('en')} events of 64 KiB in ${sizes.splitChunkBytes / 1024} KiB pieces, one a millisecond (${mb('split')})`)

  if (scenarios.includes('latency')) {
    const perRun = (rs: RunRecord[], p: number) => median(rs.map((r) => percentile(r.page.latenciesMs!, p)))
    const native = of('latency', 'native')
    const rows = implementationsIn('latency').flatMap((implementation) => {
      const rs = of('latency', implementation)
      if (rs.length === 0) return []
      const p50 = perRun(rs, 50)
      const p99 = perRun(rs, 99)
      return [
        [
          LABELS[implementation],
          fixed(p50, 2),
          fixed(p99, 2),
          fixed(p50 - (native.length ? perRun(native, 50) : NaN), 2),
          fixed(p99 - (native.length ? perRun(native, 99) : NaN), 2),
          fixed(median(rs.map((r) => Math.max(...r.page.latenciesMs!))), 2),
          cpuRange(rs),
        ],
      ]
    })
    out.push(`### (c) Latency: ${sizes.latencyEvents.toLocaleString('en')} events, one every ${sizes.latencyIntervalMs} ms, each written at once`, '')
    out.push('Arrival in the page minus send time in the server, both `performance.timeOrigin + performance.now()`; p50/p99 per run, median over runs.', '')
    out.push(table(['implementation', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'max ms', 'renderer CPU ms'], rows), '')
    if (browser.latencyNote) out.push(browser.latencyNote, '')
  }

  if (scenarios.includes('memory')) {
    const rows = implementationsIn('memory').flatMap((implementation) => {
      const rs = of('memory', implementation)
      const skipped = skippedOf('memory', implementation)
      if (rs.length === 0 && skipped.length === 0) return []
      if (rs.length === 0) return [[LABELS[implementation], `skipped: ${skipped[0]!.skipped}`, '', '', '', '', '']]
      const before = median(rs.map((r) => r.page.heapBefore!))
      const after = median(rs.map((r) => r.page.heapAfter!))
      return [
        [
          LABELS[implementation] + (implementation === XHR_VARIANT ? ` (shorter stream: ${mb('memory', implementation)})` : '') + (skipped.length ? ` (${skipped.length} runs skipped)` : ''),
          mib(before),
          mib(after),
          mib(median(rs.map((r) => r.page.heapAfter! - r.page.heapBefore!))),
          mib(median(rs.map((r) => r.rendererRss!))),
          fixed(median(rs.map((r) => r.page.wallMs))),
          cpuRange(rs),
        ],
      ]
    })
    out.push(`### (d) Memory: ${sizes.memoryEvents.toLocaleString('en')} events of 64 KiB (${mb('memory')})`, '')
    out.push('JS heap = `performance.memory.usedJSHeapSize` after `gc()` (until it stops shrinking), before the stream and after its last event while still connected. RSS sums the renderer processes at that moment.', '')
    out.push(table(['implementation', 'JS heap before MiB', 'JS heap at end MiB', 'growth MiB', 'renderers RSS at end MiB', 'wall ms', 'renderer CPU ms'], rows), '')
  }
  out.push(
    `¹ Dispatches its own event objects (not \`MessageEvent\`) from its own EventTarget; in ${browser.name} it streams with fetch.`,
    `² The same library loaded while \`fetch\` was hidden, so it falls back to XMLHttpRequest and reads \`responseText\`; it slows down as the stream grows, so it gets ${sizes.xhrMemoryEvents.toLocaleString('en')} events.`,
    '³ Callback-only (no EventSource object, no DOM events): a reference, not a drop-in.',
    '',
  )
  return out.join('\n')
}

main().catch((error: unknown) => {
  process.stderr.write(`browser benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
