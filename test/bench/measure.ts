/**
 * Timing and reporting: CPU time per run (process.cpuUsage, user + system), the median of several runs
 * taken round-robin across candidates, printed as markdown tables relative to the floor and to
 * eventsource v5.
 */
import { cpus } from 'node:os'
import type { Candidate } from './candidates'
import type { Corpus } from './corpora'

export interface Options {
  runs: number
  warmup: number
}

interface Sample {
  cpu: number
  wall: number
}

export interface Result {
  candidate: Candidate
  cpu: number
  wall: number
  /** (max - min) / median of the CPU times: how far to trust a difference. */
  spread: number
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

/**
 * Waits until V8's background threads (concurrent marking and sweeping, compilation) are done: they
 * go on for tens of milliseconds after a collection or a run. Returns the CPU time of the quiet 10 ms
 * that ended the wait, which is not the work waited for.
 */
async function quiescence(): Promise<number> {
  for (let i = 0; ; i++) {
    const start = process.cpuUsage()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const used = cpuMs(process.cpuUsage(start))
    if (used < 1 || i === 100) return used
  }
}

async function sample(candidate: Candidate, corpus: Corpus): Promise<Sample> {
  // The previous run's garbage is collected before the clock starts, not billed to this one.
  globalThis.gc!()
  await quiescence()
  const wallStart = performance.now()
  const cpuStart = process.cpuUsage()
  await candidate.run(corpus)
  const wall = performance.now() - wallStart
  // What the run left to background threads is billed to it (and only that).
  const quiet = await quiescence()
  return { cpu: cpuMs(process.cpuUsage(cpuStart)) - quiet, wall }
}

/**
 * Warm-up rounds, then `runs` rounds, each running every candidate once. Rounds interleave the
 * candidates, and each starts one candidate further along, so that drift (thermal, JIT, heap growth)
 * and position in the round fall on all of them alike.
 */
export async function measure(candidates: Candidate[], corpus: Corpus, { runs, warmup }: Options): Promise<Result[]> {
  const samples = new Map<Candidate, Sample[]>(candidates.map((candidate) => [candidate, []]))
  for (let round = 0; round < warmup + runs; round++) {
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[(round + i) % candidates.length]!
      const result = await sample(candidate, corpus)
      if (round >= warmup) samples.get(candidate)!.push(result)
    }
  }
  return candidates.map((candidate) => {
    const cpu = samples.get(candidate)!.map((s) => s.cpu)
    const middle = median(cpu)
    return { candidate, cpu: middle, wall: median(samples.get(candidate)!.map((s) => s.wall)), spread: (Math.max(...cpu) - Math.min(...cpu)) / middle }
  })
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1))
const ratio = (value: number) => `${value.toFixed(2)}×`
const thousands = (value: number) => value.toLocaleString('en-US')

function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'))
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

export function header({ runs, warmup }: Options): string {
  const cpu = cpus()
  return [
    `# sse-polyfill benchmark: Node`,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores. ` +
      `CPU time (process.cpuUsage, user + system) per run, with what it leaves to V8's background threads; ` +
      `median of ${runs} runs after ${warmup} warm-up rounds, candidates interleaved, garbage collected between runs.`,
  ].join('\n')
}

export function corpusTable(corpora: Corpus[]): string {
  return table(
    ['corpus', 'what', 'bytes', 'events', 'chunks'],
    corpora.map((c) => [c.name, c.description, thousands(c.bytes), thousands(c.events), thousands(c.chunks.length)]),
  )
}

const find = (results: Result[], name: string) => results.find((r) => r.candidate.name === name)!

/** One corpus: every candidate's median CPU time, against the floor and against eventsource v5. */
export function resultTable(corpus: Corpus, results: Result[]): string {
  const floor = find(results, 'floor').cpu
  const eventsource = find(results, 'eventsource').cpu
  return [
    `## ${corpus.name}: ${corpus.description} (${thousands(corpus.bytes)} bytes)`,
    '',
    table(
      ['candidate', 'CPU ms', '× floor', '× eventsource', 'spread', 'wall ms'],
      results.map((r) => [r.candidate.name, ms(r.cpu), ratio(r.cpu / floor), ratio(r.cpu / eventsource), `${(r.spread * 100).toFixed(0)}%`, ms(r.wall)]),
    ),
  ].join('\n')
}

/** Ours against what users would pick instead: how many times less CPU time ours takes. */
export function summaryTable(all: { corpus: Corpus; results: Result[] }[]): string {
  return [
    '## sse-polyfill speed-up (their CPU time ÷ ours; above 1 is faster)',
    '',
    table(
      ['corpus', 'parser vs eventsource-parser', 'parser × floor', 'EventSource vs eventsource', 'EventSource × floor'],
      all.map(({ corpus, results }) => {
        const floor = find(results, 'floor').cpu
        const parser = find(results, 'sse-polyfill parser').cpu
        const client = find(results, 'sse-polyfill EventSource').cpu
        return [corpus.name, ratio(find(results, 'eventsource-parser').cpu / parser), ratio(parser / floor), ratio(find(results, 'eventsource').cpu / client), ratio(client / floor)]
      }),
    ),
  ].join('\n')
}
