/**
 * The benchmark's candidates and corpora, untimed: each candidate runs once over a tiny version of
 * each corpus, sees every event, and refuses a wrong expectation. Uses the built package (`npm test`
 * builds first).
 */
import { describe, expect, it } from 'vitest'
import { candidates } from './bench/candidates'
import { buildCorpora, type Corpus } from './bench/corpora'

// 1,000-byte chunks, so that even tiny corpora are split mid-line, mid-CRLF and mid-character.
const corpora = buildCorpora(300, 1000)

describe('benchmark corpora', () => {
  it.each(corpora.map((corpus) => [corpus.name, corpus] as const))('%s: sizes and line count agree with the text', (_, corpus) => {
    const text = new TextDecoder().decode(Buffer.concat(corpus.chunks))
    expect(Buffer.byteLength(text)).toBe(corpus.bytes)
    expect(text.split('\n').length - 1).toBe(corpus.lines)
    expect(text.endsWith(`data: ${corpus.lastData.split('\n').at(-1)}${corpus.name === 'crlf' ? '\r\n\r\n' : '\n\n'}`)).toBe(true)
    if (corpus.name !== 'chunks7') expect(corpus.chunks.length).toBeGreaterThan(1)
  })

  it('is the same on every build', () => {
    const again = buildCorpora(300, 1000)
    for (const [i, corpus] of corpora.entries()) expect(Buffer.concat(again[i]!.chunks).equals(Buffer.concat(corpus.chunks))).toBe(true)
  })
})

describe.each(candidates.map((candidate) => [candidate.name, candidate] as const))('%s', (_, candidate) => {
  it.each(corpora.map((corpus) => [corpus.name, corpus] as const))('runs over %s', async (_, corpus) => {
    await candidate.run(corpus)
  })

  // What the candidate counts: lines for the floor, bytes for the body read, events for the others.
  const expectingOneMore = (corpus: Corpus): Corpus =>
    candidate.name === 'floor' ? { ...corpus, lines: corpus.lines + 1 } : candidate.name === 'body read' ? { ...corpus, bytes: corpus.bytes + 1 } : { ...corpus, events: corpus.events + 1 }

  it('throws when it counts fewer than expected', async () => {
    const [small] = corpora
    await expect(candidate.run(expectingOneMore(small!))).rejects.toThrow()
  })

  it.runIf(candidate.kind !== 'baseline')('throws when it counts more than expected, or the last event differs', async () => {
    const [small] = corpora
    await expect(candidate.run({ ...small!, events: small!.events - 1 })).rejects.toThrow()
    await expect(candidate.run({ ...small!, lastData: 'something else' })).rejects.toThrow()
  })
})
