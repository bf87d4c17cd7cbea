/**
 * The Node benchmark (`npm run bench`; test/bench/run.mjs bundles this file and runs it with
 * --expose-gc). Environment: BENCH_EVENTS (small corpus size, default 200000; the others scale with
 * it), BENCH_RUNS (default 7), BENCH_WARMUP (warm-up rounds, default 2), BENCH_CORPORA (names, comma
 * separated; default all).
 */
import { candidates } from './candidates'
import { buildCorpora, DEFAULT_EVENTS } from './corpora'
import { corpusTable, header, measure, resultTable, summaryTable, type Result } from './measure'

function integer(name: string, fallback: number, min = 1): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, not ${raw}`)
  return value
}

if (typeof globalThis.gc !== 'function') throw new Error('Run with node --expose-gc (npm run bench does)')

const options = { runs: integer('BENCH_RUNS', 7), warmup: integer('BENCH_WARMUP', 2, 0) }
const wanted = process.env.BENCH_CORPORA?.split(',').filter(Boolean)
const corpora = buildCorpora(integer('BENCH_EVENTS', DEFAULT_EVENTS)).filter((c) => !wanted || wanted.includes(c.name))
if (corpora.length === 0) throw new Error(`BENCH_CORPORA names none of the corpora: ${process.env.BENCH_CORPORA}`)

console.log(header(options))
console.log()
console.log(corpusTable(corpora))
const all: { corpus: (typeof corpora)[number]; results: Result[] }[] = []
for (const corpus of corpora) {
  const results = await measure(candidates, corpus, options)
  all.push({ corpus, results })
  console.log()
  console.log(resultTable(corpus, results))
}
console.log()
console.log(summaryTable(all))
console.log(`
Notes:
- floor: one streaming TextDecoder over the chunks, counting LFs with indexOf; body read: the chunks read
  through new Response(ReadableStream).body, decoding nothing. × floor and × eventsource are CPU time
  ratios (below 1 is less CPU); spread is (max - min) / median of the runs.
- The parsers are fed the chunks through one streaming TextDecoder. The clients get a fetch answering
  new Response(stream of the chunks, one per read) with content-type text/event-stream, fresh for each
  run, count message events and close at the last one, so no reconnect happens.
- @microsoft/fetch-event-source reads window and document even with openWhenHidden: true, so it runs
  with globalThis.window = globalThis and a stub document (add/removeEventListener), set only during its runs.
- event-source-polyfill has no fetch option; in Node it uses its fetch transport with the global fetch it
  finds at load time, so it is loaded while globalThis.fetch forwards to each run's fetch.`)
