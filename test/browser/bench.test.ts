/**
 * The browser benchmark, untimed: a tiny run of every scenario and implementation, so CI catches a
 * broken benchmark (a wrong event count makes it exit non-zero). Timing it here would prove nothing.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { findChromium } from './harness'

const chromiumPath = findChromium()
if (!chromiumPath && process.env.CI) throw new Error('CI must run the browser tests: install Debian chromium')

const TINY = { BENCH_RUNS: '1', BENCH_SMALL_EVENTS: '500', BENCH_LARGE_EVENTS: '5', BENCH_SPLIT_EVENTS: '5', BENCH_LATENCY_EVENTS: '20', BENCH_MEMORY_EVENTS: '10', BENCH_XHR_MEMORY_EVENTS: '5' }

describe.skipIf(!chromiumPath)('npm run bench -- browser', () => {
  it('runs every scenario with every implementation and prints the tables', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['test/bench/run.mjs', 'browser'], {
      env: { ...process.env, ...TINY, CHROMIUM_PATH: chromiumPath },
      timeout: 120_000,
    })
    for (const heading of ['### (a) 500 small events', '### (b) 5 events of 64 KiB', '### (b2) 5 events of 64 KiB in 16 KiB pieces', '### (c) Latency: 20 events', '### (d) Memory: 10 events']) expect(stdout).toContain(heading)
    // Five tables with native and ours each, the memory table with the XHR variant too.
    expect(stdout.match(/^\| native EventSource \|/gm)).toHaveLength(5)
    expect(stdout.match(/^\| sse-polyfill \(ours\) \|/gm)).toHaveLength(5)
    expect(stdout).toMatch(/^\| event-source-polyfill, XHR/m)
  }, 150_000)
})
