/**
 * The benchmark's inputs: event streams generated the same way on every run (no randomness but a
 * seeded one), already encoded and cut into chunks, so that every candidate gets the very same bytes.
 */

export interface Corpus {
  name: string
  description: string
  /** The body as a network read would hand it over: views into one encoded buffer. */
  chunks: Uint8Array[]
  bytes: number
  /** The `message` events a client dispatches. */
  events: number
  /** The LF bytes in the stream: what the floor counts. */
  lines: number
  /** The data of the last event, which every candidate must have seen. */
  lastData: string
}

/** The chunk size when a corpus does not say otherwise: a typical network read. */
export const CHUNK_SIZE = 16 * 1024
/** The small corpus size that the other sizes are scaled from. */
export const DEFAULT_EVENTS = 200_000

const TEXTS = ['hello', 'hello world', 'héllo wörld ✓', 'ok', 'a somewhat longer message, to vary the sizes a little']

/**
 * `count` small JSON events. Some lack an id and some carry a comment line, as keep-alives do; the
 * comment sits inside an event rather than in a block of its own, because a comment-only block makes
 * some clients (@microsoft/fetch-event-source) report an empty message and the counts would differ.
 */
function smallEvents(count: number, eol: string): { text: string; lastData: string } {
  const parts: string[] = []
  let data = ''
  for (let n = 0; n < count; n++) {
    data = `{"n":${n},"text":"${TEXTS[n % TEXTS.length]}"}`
    if (n % 1000 === 999) parts.push(`: keep-alive${eol}`)
    if (n % 7 !== 3) parts.push(`id: ${n}${eol}`)
    parts.push(`data: ${data}${eol}${eol}`)
  }
  return { text: parts.join(''), lastData: data }
}

/** `count` events of one `size`-character data line each, from a seeded generator (base64-like text). */
function largeEvents(count: number, size: number): { text: string; lastData: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let seed = 1
  const parts: string[] = []
  let data = ''
  for (let n = 0; n < count; n++) {
    const characters = new Array<string>(size)
    for (let i = 0; i < size; i++) {
      // A linear congruential generator: the same text on every run and machine.
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      characters[i] = alphabet[seed >>> 26]!
    }
    data = characters.join('')
    parts.push(`id: ${n}\ndata: ${data}\n\n`)
  }
  return { text: parts.join(''), lastData: data }
}

/** `count` events of `lines` data lines each, as a pretty-printed payload would be sent. */
function multilineEvents(count: number, lines: number): { text: string; lastData: string } {
  const parts: string[] = []
  let data = ''
  for (let n = 0; n < count; n++) {
    const rows: string[] = []
    for (let k = 0; k < lines; k++) rows.push(`row ${k} of event ${n}: ${TEXTS[(n + k) % TEXTS.length]}`)
    data = rows.join('\n')
    parts.push(`id: ${n}\ndata: ${rows.join('\ndata: ')}\n\n`)
  }
  return { text: parts.join(''), lastData: data }
}

function corpus(name: string, description: string, events: number, generated: { text: string; lastData: string }, chunkSize: number): Corpus {
  const bytes = new TextEncoder().encode(generated.text)
  const chunks: Uint8Array[] = []
  for (let start = 0; start < bytes.length; start += chunkSize) chunks.push(bytes.subarray(start, start + chunkSize))
  // Counted on the bytes, independently of how the floor counts them on decoded text.
  let lines = 0
  for (const byte of bytes) if (byte === 10) lines++
  return { name, description, chunks, bytes: bytes.length, events, lines, lastData: generated.lastData }
}

/**
 * Every corpus, sized from the small one's event count (the others scale with it, so that a quick run
 * with few events is quick throughout). `chunkSize` is for tests that want more splits in tiny corpora.
 */
export function buildCorpora(smallCount = DEFAULT_EVENTS, chunkSize = CHUNK_SIZE): Corpus[] {
  const scale = smallCount / DEFAULT_EVENTS
  const large = Math.max(2, Math.round(200 * scale))
  const multiline = Math.max(2, Math.round(20_000 * scale))
  const split = Math.min(smallCount, 50_000)
  return [
    corpus('small', `${smallCount} small JSON events`, smallCount, smallEvents(smallCount, '\n'), chunkSize),
    corpus('large', `${large} events of one 32 KiB data line`, large, largeEvents(large, 32 * 1024), chunkSize),
    corpus('multiline', `${multiline} events of 20 data lines`, multiline, multilineEvents(multiline, 20), chunkSize),
    corpus('chunks7', `the first ${split} small events, in 7-byte chunks`, split, smallEvents(split, '\n'), 7),
    corpus('crlf', `${smallCount} small events, CRLF line endings`, smallCount, smallEvents(smallCount, '\r\n'), chunkSize),
  ]
}
