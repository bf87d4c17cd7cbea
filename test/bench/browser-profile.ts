/**
 * Where our page's time goes: the same runs as test/bench/browser.ts, but driven through Playwright so
 * that the V8 sampling profiler (CDP) can record each one. Not a measurement (DevTools slows the page):
 * it prints the functions with the most self time, ours (bundled from src, so names are readable) and
 * all.
 *
 *   npx esbuild test/bench/browser-profile.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=node_modules/.cache/sse-polyfill-bench/browser-profile.mjs
 *   BENCH_PROFILE=ours,eventsource BENCH_SCENARIOS=small,large node node_modules/.cache/sse-polyfill-bench/browser-profile.mjs
 *
 * BENCH_PROFILE: implementations (ours); BENCH_SCENARIOS: small,large,split,latency,memory (small,large,latency).
 */
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type CDPSession } from 'playwright-core'
import type { Implementation, Plan, Scenario } from './browser-protocol'
import { bundleScripts, describe, findRoot, startBench } from './browser-runner'
import { DEFAULT_SIZES } from './browser-streams'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const implementations = (process.env.BENCH_PROFILE ?? 'ours').split(',') as Implementation[]
const scenarios = (process.env.BENCH_SCENARIOS ?? 'small,large,latency').split(',') as Scenario[]
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 15)

async function main(): Promise<void> {
  const root = findRoot(dirname(fileURLToPath(import.meta.url)))
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((path): path is string => !!path && existsSync(path))
  if (!executablePath) throw new Error('Chromium not found')
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--enable-precise-memory-info', '--js-flags=--expose-gc'] })
  const page = await browser.newPage()
  const profiles = new Map<number, Profile>()
  let session: CDPSession | undefined
  const bench = await startBench({
    schedule: scenarios.flatMap((scenario) => implementations.map((implementation) => ({ implementation, scenario }))),
    sizes: DEFAULT_SIZES,
    scripts: await bundleScripts(root, { oursFromSource: true }),
    timeoutMs: 120_000,
    memoryLimitBytes: Infinity,
    async onMark(plan: Plan, name: string) {
      if (name === 'start') {
        session = await page.context().newCDPSession(page)
        await session.send('Profiler.enable')
        await session.send('Profiler.setSamplingInterval', { interval: 100 })
        await session.send('Profiler.start')
      } else if (name === 'end' && session) {
        const { profile } = await session.send('Profiler.stop')
        profiles.set(plan.id, profile as Profile)
        await session.detach()
        session = undefined
      }
    },
  })
  try {
    await page.goto(bench.firstUrl)
    const records = await bench.done
    for (const record of records) {
      const profile = profiles.get(record.plan.id)
      if (!profile) continue
      process.stdout.write(`### Profile: ${describe(record.plan)} (${record.page.wallMs.toFixed(0)} ms wall under DevTools)\n\n`)
      process.stdout.write(`${selfTimes(profile, '/lib/')}\n\n${selfTimes(profile)}\n\n`)
    }
  } finally {
    await browser.close()
    await bench.close()
  }
}

/** Self time per function (name, script, line), optionally only in scripts whose URL contains `only`. */
function selfTimes(profile: Profile, only?: string): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    all += delta
    const frame = byNode.get(id)!.callFrame
    if (only && !frame.url.includes(only)) return
    const script = frame.url ? `${frame.url.replace(/^https?:\/\/[^/]+/, '')}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'}|${script}`
    totals.set(key, (totals.get(key) ?? 0) + delta)
  })
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, TOP)
  const lines = [`| ${only ? `self time in ${only}*` : 'self time, everything'} | where | ms | % of profile |`, '| --- | --- | ---: | ---: |']
  for (const [key, micros] of rows) {
    const [name, where] = key.split('|')
    lines.push(`| ${name} | ${where} | ${(micros / 1000).toFixed(1)} | ${((100 * micros) / all).toFixed(1)} |`)
  }
  return lines.join('\n')
}

main().catch((error: unknown) => {
  process.stderr.write(`browser profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
