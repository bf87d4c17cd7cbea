/**
 * Property tests: for generated streams, the incremental parser agrees with the reference parser, and
 * any split of the same text gives the same result as one whole feed.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createParser } from '../src/parser'
import { referenceParse, type ReferenceResult } from './helpers/reference-parser'

function parse(pieces: string[]): ReferenceResult {
  const result: ReferenceResult = { events: [], retries: [], comments: [], lastEventId: '' }
  const parser = createParser({
    onEvent: (event) => result.events.push(event),
    onRetry: (ms) => result.retries.push(ms),
    onComment: (comment) => result.comments.push(comment),
    onLastEventId: (id) => (result.lastEventId = id),
  })
  for (const piece of pieces) parser.feed(piece)
  return result
}

/** Streams made of the pieces that matter to the format, in any order, plus arbitrary text. */
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('data', 'id', 'event', 'retry', 'Data', 'data:', 'id:', 'event:', 'retry:', ':', ': ', ' ', '  ', '\t') },
  { weight: 6, arbitrary: fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\r\r', '\r\n\r\n') },
  { weight: 3, arbitrary: fc.constantFrom('1', '42', '007', '-1', '1.5', 'x', '\0', '\uFEFF', '\u00e9', '\u2026', '\ud83d\ude00', '__proto__') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
)
const stream = fc.array(token, { maxLength: 60 }).map((tokens) => tokens.join(''))

/** The stream and a sorted list of cut points inside it. */
const split = stream.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), text.length]
    return { text, pieces: points.slice(1).map((end, i) => text.slice(points[i], end)) }
  }),
)

describe('parser properties', () => {
  it('agrees with the reference parser on generated streams', () => {
    fc.assert(fc.property(stream, (text) => {
        expect(parse([text])).toEqual(referenceParse(text))
      }), { numRuns: 2000 })
  })

  it('gives the same result for any split of the same text', () => {
    fc.assert(fc.property(split, ({ text, pieces }) => {
        expect(parse(pieces)).toEqual(parse([text]))
      }), { numRuns: 2000 })
  })

  it('with maxEventSize, gives the same events and the same error for any split', () => {
    const limited = (pieces: string[], maxEventSize: number) => {
      const events: string[] = []
      let failed = false
      const parser = createParser({ onEvent: (event) => events.push(event.data), onError: () => (failed = true), maxEventSize })
      for (const piece of pieces) parser.feed(piece)
      return { events, failed }
    }
    fc.assert(
      fc.property(split, fc.integer({ min: 1, max: 40 }), ({ text, pieces }, max) => {
        expect(limited(pieces, max)).toEqual(limited([text], max))
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the same result fed one character at a time', () => {
    fc.assert(fc.property(stream, (text) => {
        expect(parse(text.split(''))).toEqual(parse([text]))
      }), { numRuns: 500 })
  })
})
