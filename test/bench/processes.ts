/**
 * CPU time and memory of a process tree from /proc (Linux), without attaching anything to it: the
 * benchmark reads Chromium's (or Firefox's) processes this way so that no DevTools session changes what
 * it measures.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * What Chromium calls its processes; `browser` is the spawned one, `other` the zygotes, GPU, storage…
 * In Firefox: `renderer` is a web content process, `network` the socket process (Firefox's HTTP runs in
 * its parent, the `browser`), `other` the fork server, RDD, utility, extension and privileged processes.
 */
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
  if (commandLine.includes('-contentproc')) return firefoxKind(pid, commandLine)
  return 'other'
}

/**
 * Firefox keeps its children's argv (NUL-separated): `-contentproc … <n> <type>`. Every content process
 * is of type `tab`, web pages or not; the name it gives itself (comm) tells them apart: `Web Content`
 * (preallocated, or shared by web pages), `Isolated Web Co`(ntent, one site's), against `WebExtensions`
 * and `Privileged Cont`(ent, about: pages).
 */
function firefoxKind(pid: number, commandLine: string): ProcessKind {
  const type = commandLine.split(/[\0 ]/).filter(Boolean).at(-1)
  if (type === 'socket') return 'network'
  if (type !== 'tab') return 'other'
  let name = ''
  try {
    name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return 'other'
  }
  return name === 'Web Content' || name.startsWith('Isolated Web') ? 'renderer' : 'other'
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

/** Busy CPU time of the whole machine (every core), in clock ticks, from /proc/stat. */
function systemBusyTicks(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number)
  return user! + nice! + system! + irq! + softirq! + steal!
}

/** What a mark records: Chromium's processes, the machine's busy time and this process's CPU time. */
export interface Snapshot {
  processes: ProcessSample[]
  systemTicks: number
  /** This Node process (the server), in milliseconds. */
  serverMs: number
}

export function snapshot(root: number | undefined): Snapshot {
  const { user, system } = process.cpuUsage()
  return { processes: root === undefined ? [] : sampleTree(root), systemTicks: systemBusyTicks(), serverMs: (user + system) / 1000 }
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
  /** The benchmark's own server. */
  server: number
  /** Everything else on the machine: anything but noise here skews the run. */
  others: number
}

/** CPU used between two snapshots; a Chromium process that exited in between is not counted. */
export function cpuBetween(start: Snapshot, end: Snapshot): CpuDelta {
  const before = new Map(start.processes.map((sample) => [sample.pid, sample]))
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND
  const delta: CpuDelta = { renderer: 0, rendererMain: 0, network: 0, total: 0, newRenderers: 0, server: end.serverMs - start.serverMs, others: 0 }
  for (const sample of end.processes) {
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
  delta.others = Math.max(0, ms(end.systemTicks - start.systemTicks) - delta.total - delta.server)
  return delta
}

/** Resident memory of all renderer processes, in bytes. */
export function rendererRss(samples: ProcessSample[]): number {
  return samples.filter((sample) => sample.kind === 'renderer').reduce((sum, sample) => sum + sample.rss, 0)
}
