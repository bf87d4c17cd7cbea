/**
 * CPU time and memory of a process tree from /proc (Linux), without attaching anything to it: the
 * benchmark reads Chromium's processes this way so that no DevTools session changes what it measures.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** What Chromium calls its processes; `browser` is the spawned one, `other` the zygotes, GPU, storage… */
export type ProcessKind = 'renderer' | 'network' | 'browser' | 'other'

export interface ProcessSample {
  pid: number
  kind: ProcessKind
  /** utime + stime of the whole process, in clock ticks. */
  ticks: number
  /** utime + stime of its main thread (a renderer's runs the page's JavaScript), in clock ticks. */
  mainTicks: number
  /** Resident set size in bytes. */
  rss: number
}

export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
const PAGE_SIZE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined // it exited meanwhile
  }
}

// Field numbers of proc(5) minus 3: the list starts at field 3 (state).
const PPID = 1
const UTIME = 11
const STIME = 12
const RSS = 21

const ticksOf = (fields: string[]) => Number(fields[UTIME]) + Number(fields[STIME])

function kindOf(pid: number, root: number): ProcessKind {
  if (pid === root) return 'browser'
  let commandLine = ''
  try {
    // Chromium rewrites its children's argv as one space-separated string.
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return 'other'
  }
  if (commandLine.includes('--type=renderer')) return 'renderer'
  if (commandLine.includes('--utility-sub-type=network.mojom.NetworkService')) return 'network'
  return 'other'
}

/** Every process of the tree under `root`, itself included. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = statFields(`/proc/${entry}/stat`)
    if (fields) parents.set(Number(entry), Number(fields[PPID]))
  }
  const tree = new Set([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid)
        grew = true
      }
    }
  }
  return [...tree].filter((pid) => parents.has(pid))
}

export function sampleTree(root: number): ProcessSample[] {
  const samples: ProcessSample[] = []
  for (const pid of descendants(root)) {
    const fields = statFields(`/proc/${pid}/stat`)
    const main = statFields(`/proc/${pid}/task/${pid}/stat`)
    if (!fields || !main) continue
    samples.push({ pid, kind: kindOf(pid, root), ticks: ticksOf(fields), mainTicks: ticksOf(main), rss: Number(fields[RSS]) * PAGE_SIZE })
  }
  return samples
}

export interface CpuDelta {
  /** All renderer processes (the page's, and a spare one if Chromium keeps one), in milliseconds. */
  renderer: number
  /** The renderers' main threads only. */
  rendererMain: number
  /** The network service (a utility process). */
  network: number
  /** Every process of the tree. */
  total: number
  /** Renderer processes that appeared between the two samples (their whole CPU time is counted). */
  newRenderers: number
}

/** CPU used between two samples; a process that exited in between is not counted. */
export function cpuBetween(start: ProcessSample[], end: ProcessSample[]): CpuDelta {
  const before = new Map(start.map((sample) => [sample.pid, sample]))
  const delta: CpuDelta = { renderer: 0, rendererMain: 0, network: 0, total: 0, newRenderers: 0 }
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND
  for (const sample of end) {
    const previous = before.get(sample.pid)
    const ticks = ms(sample.ticks - (previous?.ticks ?? 0))
    delta.total += ticks
    if (sample.kind === 'network') delta.network += ticks
    if (sample.kind === 'renderer') {
      delta.renderer += ticks
      delta.rendererMain += ms(sample.mainTicks - (previous?.mainTicks ?? 0))
      if (!previous) delta.newRenderers++
    }
  }
  return delta
}

/** Resident memory of all renderer processes, in bytes. */
export function rendererRss(samples: ProcessSample[]): number {
  return samples.filter((sample) => sample.kind === 'renderer').reduce((sum, sample) => sum + sample.rss, 0)
}
