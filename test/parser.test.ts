import { describe, expect, it } from 'vitest'
import { createParser, ParseError, type ParsedEvent } from '../src/parser'
import { streamFixtures } from './fixtures/streams'
import { chunkings, splitEvery } from './helpers/chunking'

function parseAll(pieces: string[], seedLastEventId?: string) {
  const events: Array<[string, string, string]> = []
  const retries: number[] = []
  const comments: string[] = []
  let lastEventId = seedLastEventId ?? ''
  const parser = createParser({
    onEvent: (event: ParsedEvent) => events.push([event.type, event.data, event.lastEventId]),
    onRetry: (ms) => retries.push(ms),
    onComment: (comment) => comments.push(comment),
    onLastEventId: (id) => (lastEventId = id),
  })
  if (seedLastEventId !== undefined) parser.reset(seedLastEventId)
  for (const piece of pieces) parser.feed(piece)
  return { events, retries, comments, lastEventId }
}

describe('parser fixtures', () => {
  for (const fixture of streamFixtures) {
    describe(fixture.name, () => {
      for (const [how, pieces] of chunkings(fixture.input)) {
        it(`fed ${how}`, () => {
          const result = parseAll(pieces)
          expect(result.events).toEqual(fixture.events)
          if (fixture.retries) expect(result.retries).toEqual(fixture.retries)
          if (fixture.comments) expect(result.comments).toEqual(fixture.comments)
          if (fixture.lastEventId !== undefined) expect(result.lastEventId).toBe(fixture.lastEventId)
        })
      }
    })
  }
})

describe('parser', () => {
  it('takes a CR ending one piece and an LF starting the next as one line ending', () => {
    // Were they two, the empty line between them would dispatch "a" alone.
    expect(parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n']).events).toEqual([['message', 'a\nb', '']])
  })

  it('takes a CR ending one piece and a CR starting the next as two line endings', () => {
    expect(parseAll(['data: a\r', '\rdata: b\r\r']).events).toEqual([['message', 'a', ''], ['message', 'b', '']])
  })

  it('skips only one LF after a CR that ended a piece', () => {
    expect(parseAll(['data: a\r', '\n\n']).events).toEqual([['message', 'a', '']])
  })

  it('accepts empty pieces anywhere', () => {
    expect(parseAll(['', 'data: a', '', '\r', '', '\n', '\n', '']).events).toEqual([['message', 'a', '']])
  })

  it('keeps a CR and its LF one line ending across an empty piece between them', () => {
    expect(parseAll(['data: a\r', '', '\ndata: b\n\n']).events).toEqual([['message', 'a\nb', '']])
  })

  it('starts from the seeded last event ID after reset, as Chromium seeds each new connection', () => {
    expect(parseAll(['data: x\n\n'], '41').events).toEqual([['message', 'x', '41']])
  })

  it('reset discards a partial line, a pending event and a pending CR', () => {
    const events: string[] = []
    const parser = createParser({ onEvent: (event) => events.push(event.data) })
    parser.feed('data: lost\ndata: partial')
    parser.reset()
    parser.feed('data: kept\n\n')
    parser.feed('data: a\r')
    parser.reset()
    parser.feed('\ndata: b\n\n')
    expect(events).toEqual(['kept', 'b'])
  })

  it('discard, called from a callback, drops the pending state but lets the feed go on; reset ends it', () => {
    for (const method of ['discard', 'reset'] as const) {
      const events: string[] = []
      const parser = createParser({ onEvent: (event) => (events.push(event.data), event.data === '1' && parser[method]()) })
      parser.feed('id: 7\ndata: 1\n\nid: 8\ndata: 2\n\n')
      expect([method, events]).toEqual([method, method === 'discard' ? ['1', '2'] : ['1']])
    }
  })

  it('reset keeps the committed last event ID but drops an uncommitted one', () => {
    const events: ParsedEvent[] = []
    const parser = createParser({ onEvent: (event) => events.push(event) })
    parser.feed('id: 1\n\nid: 2\ndata: x\n')
    parser.reset()
    parser.feed('data: y\n\n')
    expect(events).toEqual([{ type: 'message', data: 'y', lastEventId: '1' }])
  })

  it('reports a last event ID change only when a blank line commits it', () => {
    const ids: string[] = []
    const parser = createParser({ onEvent: () => {}, onLastEventId: (id) => ids.push(id) })
    parser.feed('id: 1\n')
    expect(ids).toEqual([])
    parser.feed('\ndata: a\n\nid: 1\n\nid: 2\n\n')
    expect(ids).toEqual(['1', '2'])
  })

  it('parses a 1 MB line that arrives in 100,000 pieces in linear time', () => {
    // Quadratic joining would copy ~50 GB here; linear work finishes in well under the test timeout.
    const line = `data: ${'y'.repeat(1_000_000)}\n\n`
    const result = parseAll(splitEvery(line, 10))
    expect(result.events).toHaveLength(1)
    expect(result.events[0]?.[1]).toHaveLength(1_000_000)
  })

  describe('[non-spec] maxEventSize', () => {
    function parseLimited(pieces: string[], maxEventSize: number) {
      const events: string[] = []
      const errors: ParseError[] = []
      const parser = createParser({ onEvent: (event) => events.push(event.data), onError: (error) => errors.push(error), maxEventSize })
      for (const piece of pieces) parser.feed(piece)
      return { events, errors, parser }
    }

    it('allows a line of exactly that size, its field name counted', () => {
      expect(parseLimited(['data: ' + 'x'.repeat(10) + '\n\n'], 16)).toMatchObject({ events: ['x'.repeat(10)], errors: [] })
    })

    it('stops at a longer line, whole or split, or one that never ends, and says so', () => {
      for (const pieces of [['data: ' + 'x'.repeat(11) + '\n\n'], ['data: xxxxx', 'xxxxxx\n\n'], Array.from({ length: 100 }, () => 'y')]) {
        const { events, errors } = parseLimited(pieces, 16)
        expect(events).toEqual([])
        expect(errors).toHaveLength(1)
        expect(errors[0]).toMatchObject({ name: 'ParseError', type: 'event-too-large', message: 'An event grew past 16 characters.' })
      }
    })

    it("counts an event's data, type and id together, and starts again after each dispatch", () => {
      expect(parseLimited(['data:123\ndata:12\n\ndata:123\ndata:12\n\n'], 8).events).toEqual(['123\n12', '123\n12'])
      expect(parseLimited(['data:123\ndata:123\ndata:123\n\n'], 8).errors).toHaveLength(1)
      expect(parseLimited(['event:abcd\nid:efghij\ndata:x\n\n'], 10).errors).toHaveLength(1)
    })

    it('ignores the rest of the stream until reset()', () => {
      const { events, parser } = parseLimited(['data: ' + 'x'.repeat(20) + '\n\ndata: after\n\n'], 12)
      parser.feed('data: still ignored\n\n')
      expect(events).toEqual([])
      parser.reset()
      parser.feed('data: ok\n\n')
      expect(events).toEqual(['ok'])
    })
  })
})
