/**
 * EventSource.fromReadableStream(stream), lastEventId, reconnectionTime and reset() (whatwg/html PR
 * #12272, experimental): a given stream of UTF-8 bytes parsed as a response body is, opened at once,
 * never reconnected, closed with one `error` event at its end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventSource, EventSourceErrorEvent, EventSourcePolyfill } from '../src/index'
import { chunkings } from './helpers/chunking'
import { settle, trace, until, type TraceEntry } from './helpers/events'

const encoder = new TextEncoder()
const BOM = [0xef, 0xbb, 0xbf]

type Piece = string | number[] | Uint8Array

/** One Uint8Array from strings (as UTF-8) and byte arrays. */
function bytes(...pieces: Piece[]): Uint8Array {
  const parts = pieces.map((piece) => (typeof piece === 'string' ? encoder.encode(piece) : Uint8Array.from(piece)))
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    all.set(part, offset)
    offset += part.length
  }
  return all
}

interface StreamPlan {
  /** After the last chunk: close the stream, error it, or leave it open. */
  end?: 'close' | 'error' | 'open'
  onCancel?: (reason: unknown) => void
}

/** A stream that hands over one chunk per read (pull, high-water mark 0), then ends as planned. */
function streamOf(chunks: Piece[], { end = 'close', onCancel }: StreamPlan = {}): ReadableStream<Uint8Array> {
  const queue = chunks.map((chunk) => bytes(chunk))
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = queue.shift()
        if (next) controller.enqueue(next)
        else if (end === 'close') controller.close()
        else if (end === 'error') controller.error(new Error('boom'))
      },
      cancel: (reason) => onCancel?.(reason),
    },
    { highWaterMark: 0 },
  )
}

const sources: EventSource[] = []
afterEach(() => sources.splice(0).forEach((source) => source.close()))
function fromStream(stream: ReadableStream<Uint8Array>): EventSource {
  const source = EventSource.fromReadableStream(stream)
  sources.push(source)
  return source
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ended = (entries: TraceEntry[]) => () => entries.some((entry) => entry.type === 'error')

/** Parses the chunks to their end; returns the trace (messages, named types too) and the source. */
async function parse(chunks: Piece[], types: string[] = []): Promise<{ source: EventSource; entries: TraceEntry[] }> {
  const source = fromStream(streamOf(chunks))
  const entries = trace(source, ['open', 'message', 'error', ...types])
  await until(ended(entries))
  return { source, entries }
}

const messages = (entries: TraceEntry[]) => entries.filter((entry) => entry.type !== 'open' && entry.type !== 'error').map((entry) => entry.data)

describe('EventSource.fromReadableStream: construction', () => {
  it('returns an instance of our class, CONNECTING, with url about:event-stream and withCredentials false', () => {
    const source = fromStream(streamOf([], { end: 'open' }))
    expect(source).toBeInstanceOf(EventSource)
    expect(source.readyState).toBe(EventSource.CONNECTING)
    expect(source.url).toBe('about:event-stream')
    expect(source.withCredentials).toBe(false)
    expect(source.lastEventId).toBe('')
    expect(source.reconnectionTime).toBe(3000)
  })

  it('fires no event during the call, and open after it', async () => {
    const dispatched = vi.spyOn(EventSource.prototype, 'dispatchEvent')
    try {
      const source = fromStream(streamOf(['data: x\n\n'], { end: 'open' }))
      expect(dispatched).not.toHaveBeenCalled()
      const entries = trace(source)
      await until(() => entries.length >= 2)
      expect(entries.slice(0, 2)).toEqual([
        { type: 'open', readyState: EventSource.OPEN },
        { type: 'message', readyState: EventSource.OPEN, data: 'x', lastEventId: '', origin: 'null' },
      ])
    } finally {
      dispatched.mockRestore()
    }
  })

  it('throws a TypeError synchronously for a locked stream, and leaves it to its reader', async () => {
    const stream = streamOf(['data: mine\n\n'])
    const reader = stream.getReader()
    expect(() => EventSource.fromReadableStream(stream)).toThrow(TypeError)
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: mine\n\n')
  })

  it('locks the stream it reads', () => {
    const stream = streamOf([], { end: 'open' })
    fromStream(stream)
    expect(stream.locked).toBe(true)
  })
})

describe('EventSource.fromReadableStream: parsing as over the network', () => {
  it('opens with readyState OPEN, dispatches MessageEvents with origin "null", then one error with CLOSED', async () => {
    const { source, entries } = await parse(['data: one\n\n', 'data: two\ndata: lines\n\n'])
    expect(entries).toEqual([
      { type: 'open', readyState: EventSource.OPEN },
      { type: 'message', readyState: EventSource.OPEN, data: 'one', lastEventId: '', origin: 'null' },
      { type: 'message', readyState: EventSource.OPEN, data: 'two\nlines', lastEventId: '', origin: 'null' },
      { type: 'error', readyState: EventSource.CLOSED, status: undefined, message: expect.any(String) },
    ])
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('dispatches real MessageEvents and an error event with a readable message', async () => {
    const source = fromStream(streamOf(['data: x\n\n']))
    const seen: Event[] = []
    source.onmessage = (event) => void seen.push(event)
    source.onerror = (event) => void seen.push(event)
    await until(() => seen.length === 2)
    expect(seen[0]).toBeInstanceOf(MessageEvent)
    expect(seen[1]).toBeInstanceOf(EventSourceErrorEvent)
    const { message } = seen[1] as EventSourceErrorEvent
    expect(typeof message).toBe('string')
    expect(message.trim().length).toBeGreaterThan(0)
  })

  const text = ': a comment\nevent: greeting\nid: 1\ndata: h€llo 😀 é\n\n: another\rdata: cr\r\rdata: crlf\r\ndata: second line\r\n\r\nretry: 250\ndata: last\n\n'
  const expected = [
    { type: 'greeting', data: 'h€llo 😀 é', lastEventId: '1' },
    { type: 'message', data: 'cr', lastEventId: '1' },
    { type: 'message', data: 'crlf\nsecond line', lastEventId: '1' },
    { type: 'message', data: 'last', lastEventId: '1' },
  ]
  for (const [name, pieces] of chunkings(bytes(BOM, text))) {
    it(`gives the same events with the bytes cut ${name} (BOM, CR, LF, CRLF, multi-byte UTF-8, comments, named events)`, async () => {
      const { source, entries } = await parse(pieces, ['greeting'])
      expect(entries.filter((entry) => entry.type !== 'open' && entry.type !== 'error').map(({ type, data, lastEventId }) => ({ type, data, lastEventId }))).toEqual(expected)
      expect(entries.map((entry) => entry.type)).toEqual(['open', 'greeting', 'message', 'message', 'message', 'error'])
      expect(source.lastEventId).toBe('1')
      expect(source.reconnectionTime).toBe(250)
    })
  }

  it('keeps a CR and the LF after it, in the next chunk, one line ending (one event, not two)', async () => {
    const { entries } = await parse(['data: a\r', '\ndata: b\r', '\n\r', '\n'])
    expect(messages(entries)).toEqual(['a\nb'])
  })

  it('joins a multi-byte character split between chunks, byte by byte', async () => {
    const euro = [0xe2, 0x82, 0xac]
    const grin = [0xf0, 0x9f, 0x98, 0x80]
    const { entries } = await parse(['data: ', euro.slice(0, 1), euro.slice(1, 2), [euro[2]!, grin[0]!], grin.slice(1, 3), [grin[3]!], '\n\n'])
    expect(messages(entries)).toEqual(['€😀'])
  })

  it('drops one leading BOM, also split over chunks, but not a second one', async () => {
    expect(messages((await parse([BOM.slice(0, 1), BOM.slice(1), 'data: a\n\n'])).entries)).toEqual(['a'])
    // The second BOM belongs to the first line, whose field name is then not "data".
    expect(messages((await parse([[...BOM, ...BOM], 'data: ignored\n\ndata: b\n\n'])).entries)).toEqual(['b'])
    // A BOM further on is not dropped either.
    expect(messages((await parse(['data: c\n\n', BOM, 'data: ignored\n\ndata: d\n\n'])).entries)).toEqual(['c', 'd'])
  })

  it('sets lastEventId on the source before the event is dispatched, and on the event', async () => {
    const source = fromStream(streamOf(['id: 7\ndata: a\n\n', 'data: b\n\n', 'id: 8\n\n', 'data: c\n\nid\ndata: d\n\n']))
    const seen: Array<[data: string, eventId: string, sourceId: string]> = []
    source.onmessage = (event) => void seen.push([event.data, event.lastEventId, source.lastEventId])
    const entries = trace(source)
    await until(ended(entries))
    expect(seen).toEqual([
      ['a', '7', '7'],
      ['b', '7', '7'],
      ['c', '8', '8'],
      ['d', '', ''],
    ])
    expect(source.lastEventId).toBe('')
  })

  it('updates lastEventId on a block with an id and no data (no event dispatched)', async () => {
    const source = fromStream(streamOf(['id: only-id\n\n'], { end: 'open' }))
    const entries = trace(source)
    await until(() => source.lastEventId === 'only-id')
    expect(entries).toEqual([{ type: 'open', readyState: EventSource.OPEN }])
  })

  it('ignores an id containing NULL', async () => {
    const { source } = await parse(['id: good\n\nid: b\0d\ndata: x\n\n'])
    expect(source.lastEventId).toBe('good')
  })

  it('sets reconnectionTime from retry fields of ASCII digits only, ignoring others', async () => {
    const source = fromStream(streamOf(['retry: 1234\n', 'retry: 12a\nretry: -5\nretry:  99\nretry: 1.5\nretry\n'], { end: 'open' }))
    await until(() => source.reconnectionTime !== 3000)
    await settle()
    expect(source.reconnectionTime).toBe(1234)
    const zero = fromStream(streamOf(['retry: 0\n'], { end: 'open' }))
    await until(() => zero.reconnectionTime !== 3000)
    expect(zero.reconnectionTime).toBe(0)
  })
})

describe('EventSource.fromReadableStream: the end of the stream', () => {
  it('dispatches every complete event, then exactly one error with CLOSED, and never reconnects', async () => {
    // A retry of 10 ms: a reconnection would show within the wait below.
    const { source, entries } = await parse(['retry: 10\ndata: 1\n\n', 'data: 2\n\ndata: unfinished\n', 'data: still unfinished'])
    await sleep(150)
    expect(entries.map((entry) => [entry.type, entry.readyState, entry.data])).toEqual([
      ['open', EventSource.OPEN, undefined],
      ['message', EventSource.OPEN, '1'],
      ['message', EventSource.OPEN, '2'],
      ['error', EventSource.CLOSED, undefined],
    ])
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('does not dispatch an unfinished last event (no blank line)', async () => {
    const { entries } = await parse(['data: complete\n\ndata: no blank line\n'])
    expect(messages(entries)).toEqual(['complete'])
  })

  it('gives an empty stream open, then error with CLOSED', async () => {
    const { source, entries } = await parse([])
    await sleep(50)
    expect(entries.map((entry) => [entry.type, entry.readyState])).toEqual([
      ['open', EventSource.OPEN],
      ['error', EventSource.CLOSED],
    ])
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('gives one error with CLOSED and a readable message where the stream errors, after its complete events', async () => {
    const source = fromStream(streamOf(['retry: 10\ndata: before\n\n', 'data: unfinished'], { end: 'error' }))
    const entries = trace(source)
    await until(ended(entries))
    await sleep(150)
    expect(entries.map((entry) => [entry.type, entry.readyState, entry.data])).toEqual([
      ['open', EventSource.OPEN, undefined],
      ['message', EventSource.OPEN, 'before'],
      ['error', EventSource.CLOSED, undefined],
    ])
    expect(entries[2]!.message).toEqual(expect.any(String))
    expect(entries[2]!.message!.trim()).not.toBe('')
  })

  it('gives one error with CLOSED where the stream is errored before its first read', async () => {
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => controller.error(new TypeError('gone')) })
    const source = fromStream(stream)
    const entries = trace(source)
    await until(ended(entries))
    await sleep(50)
    expect(entries.filter((entry) => entry.type === 'error').map((entry) => entry.readyState)).toEqual([EventSource.CLOSED])
    expect(entries.filter((entry) => entry.type === 'message')).toEqual([])
  })
})

describe('EventSource.fromReadableStream: close()', () => {
  it('sets CLOSED synchronously, dispatches nothing more and cancels the stream (close in a message handler)', async () => {
    const cancel = vi.fn()
    const source = fromStream(streamOf(['data: one\n\ndata: two\n\n', 'data: three\n\n'], { end: 'open', onCancel: cancel }))
    const entries = trace(source)
    let readyStateAfterClose: number | undefined
    source.addEventListener('message', () => {
      source.close()
      readyStateAfterClose = source.readyState
    })
    await until(() => cancel.mock.calls.length > 0)
    await sleep(50)
    expect(readyStateAfterClose).toBe(EventSource.CLOSED)
    expect(entries.map((entry) => [entry.type, entry.data])).toEqual([
      ['open', undefined],
      ['message', 'one'],
    ])
    expect(cancel).toHaveBeenCalledTimes(1)
  })

  it('cancels the stream when closed in the open handler, with no message dispatched', async () => {
    const cancel = vi.fn()
    const source = fromStream(streamOf(['data: one\n\n'], { end: 'open', onCancel: cancel }))
    const entries = trace(source)
    source.onopen = () => source.close()
    await until(() => cancel.mock.calls.length > 0)
    await sleep(50)
    expect(entries.map((entry) => entry.type)).toEqual(['open'])
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('cancels the stream when closed at once, before any event, and fires nothing', async () => {
    const cancel = vi.fn()
    const stream = streamOf(['data: one\n\n'], { end: 'open', onCancel: cancel })
    const source = fromStream(stream)
    const entries = trace(source)
    source.close()
    expect(source.readyState).toBe(EventSource.CLOSED)
    await sleep(50)
    expect(entries).toEqual([])
    expect(cancel).toHaveBeenCalledTimes(1)
  })

  it('fires no error when closed while waiting for a chunk, and a later end changes nothing', async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const cancel = vi.fn()
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c), cancel })
    const source = fromStream(stream)
    const entries = trace(source)
    controller.enqueue(bytes('data: a\n\n'))
    await until(() => entries.length === 2)
    source.close()
    await settle()
    expect(cancel).toHaveBeenCalledTimes(1)
    await sleep(50)
    expect(entries.map((entry) => entry.type)).toEqual(['open', 'message'])
  })
})

describe('EventSource.fromReadableStream: reconnect()', () => {
  it('cancels the stream and closes the source with one error, as the end of the stream would', async () => {
    const cancel = vi.fn()
    const source = fromStream(streamOf(['data: one\n\n'], { end: 'open', onCancel: cancel }))
    const entries = trace(source)
    await until(() => entries.length === 2)
    source.reconnect()
    await until(ended(entries))
    expect(cancel).toHaveBeenCalledTimes(1)
    expect(entries.map((entry) => [entry.type, entry.readyState])).toEqual([['open', 1], ['message', 1], ['error', 2]])
    expect(entries[2]!.message).toBe('The stream ended. EventSource does not retry.')
  })
})

describe('lastEventId and reconnectionTime on a network instance', () => {
  it("starts with lastEventId '' and reconnectionTime 3000", () => {
    const source = new EventSource('http://127.0.0.1:1/x')
    try {
      expect(source.lastEventId).toBe('')
      expect(source.reconnectionTime).toBe(3000)
    } finally {
      source.close()
    }
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('are read-only accessors on the prototype', () => {
    for (const name of ['lastEventId', 'reconnectionTime'] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(EventSource.prototype, name)
      expect(typeof descriptor?.get).toBe('function')
      expect(descriptor?.set).toBeUndefined()
    }
    expect(typeof EventSource.prototype.reset).toBe('function')
    expect(typeof EventSource.fromReadableStream).toBe('function')
  })
})

describe('reset()', () => {
  /** Pipes a body into the TransformStream's writable side, leaving that side open. */
  const pipeBody = (writable: WritableStream<Uint8Array>, body: string) => streamOf([body]).pipeTo(writable, { preventClose: true })

  it('TransformStream pattern: drops the partial event of the first body, keeps lastEventId and reconnectionTime', async () => {
    const ts = new TransformStream<Uint8Array, Uint8Array>()
    const source = fromStream(ts.readable)
    const seen: Array<{ data: string; lastEventId: string }> = []
    source.onmessage = (event) => void seen.push({ data: event.data, lastEventId: event.lastEventId })
    const entries = trace(source)
    await pipeBody(ts.writable, 'id: 7\nretry: 1234\ndata: first\n\ndata: partial-never-finished')
    await until(() => seen.length === 1)
    await settle()
    expect(source.lastEventId).toBe('7')
    expect(source.reconnectionTime).toBe(1234)
    source.reset()
    expect(source.lastEventId).toBe('7')
    expect(source.reconnectionTime).toBe(1234)
    expect(source.readyState).toBe(EventSource.OPEN)
    await pipeBody(ts.writable, 'data: second\n\n')
    await until(() => seen.length === 2)
    await settle()
    expect(seen.map((event) => event.data)).toEqual(['first', 'second'])
    expect(seen.map((event) => event.lastEventId)).toEqual(['7', '7'])
    expect(source.lastEventId).toBe('7')
    expect(source.reconnectionTime).toBe(1234)
    expect(entries.map((entry) => entry.type)).toEqual(['open', 'message', 'message'])
    expect(source.readyState).toBe(EventSource.OPEN)
  })

  it('drops pending data, a pending event type and an uncommitted id, as well as a partial line', async () => {
    const ts = new TransformStream<Uint8Array, Uint8Array>()
    const source = fromStream(ts.readable)
    const entries = trace(source, ['open', 'message', 'error', 'stale'])
    await pipeBody(ts.writable, 'id: 1\ndata: first\n\nevent: stale\nid: 2\ndata: pending\ndat')
    await until(() => entries.length === 2)
    await settle()
    source.reset()
    // Merged with the partial line "dat", this would be "data: second"; after reset() it is a field named
    // "a", ignored, and its blank line finds nothing pending (no "pending" data, no "stale" type).
    await pipeBody(ts.writable, 'a: second\n\n')
    await settle()
    expect(entries.slice(1).map(({ type, data, lastEventId }) => ({ type, data, lastEventId }))).toEqual([{ type: 'message', data: 'first', lastEventId: '1' }])
    await pipeBody(ts.writable, 'data: third\n\n')
    await until(() => entries.length === 3)
    await settle()
    expect(entries.slice(1).map(({ type, data, lastEventId }) => ({ type, data, lastEventId }))).toEqual([
      { type: 'message', data: 'first', lastEventId: '1' },
      { type: 'message', data: 'third', lastEventId: '1' },
    ])
    expect(source.lastEventId).toBe('1')
  })

  it('drops a CR at the end of the first body: an LF starting the next body is a line ending of its own', async () => {
    const ts = new TransformStream<Uint8Array, Uint8Array>()
    const source = fromStream(ts.readable)
    const seen: string[] = []
    source.onmessage = (event) => void seen.push(event.data)
    await pipeBody(ts.writable, 'data: first\n\ndata: x\r')
    await until(() => seen.length === 1)
    await settle()
    source.reset()
    // After reset, the leading LF is a blank line with nothing pending; "data: y" then stands alone.
    await pipeBody(ts.writable, '\ndata: y\n\n')
    await until(() => seen.length === 2)
    expect(seen).toEqual(['first', 'y'])
  })

  it('called from a listener, parses the rest of the chunk (the result does not depend on chunking)', async () => {
    const source = fromStream(streamOf(['data: 1\n\ndata: 2\n\n', 'data: 3\n\n']))
    const entries = trace(source)
    source.addEventListener('message', (event) => event.data === '1' && source.reset())
    await until(ended(entries))
    expect(messages(entries)).toEqual(['1', '2', '3'])
  })

  it('does nothing visible on a closed source', async () => {
    const { source } = await parse(['id: 3\nretry: 42\ndata: x\n\n'])
    source.reset()
    expect([source.readyState, source.lastEventId, source.reconnectionTime]).toEqual([EventSource.CLOSED, '3', 42])
  })
})

describe('ponyfill', () => {
  it('exports our class under both names, and fromReadableStream returns an instance of it', async () => {
    expect(EventSourcePolyfill).toBe(EventSource)
    const source = fromStream(streamOf([], { end: 'open' }))
    expect(source).toBeInstanceOf(EventSourcePolyfill)
    expect(Object.getPrototypeOf(source)).toBe(EventSource.prototype)
  })

  it('patches nothing onto an EventSource already in the global scope', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'EventSource')
    class NativeLike extends EventTarget {
      close(): void {}
    }
    const before = Object.getOwnPropertyNames(NativeLike).sort()
    const beforePrototype = Object.getOwnPropertyNames(NativeLike.prototype).sort()
    Object.defineProperty(globalThis, 'EventSource', { value: NativeLike, configurable: true, writable: true })
    try {
      vi.resetModules()
      const fresh = await import('../src/index')
      expect(globalThis.EventSource).toBe(NativeLike)
      expect(fresh.EventSource).not.toBe(NativeLike)
      expect(fresh.NativeEventSource).toBe(NativeLike)
      expect(typeof fresh.EventSource.fromReadableStream).toBe('function')
      expect('fromReadableStream' in NativeLike).toBe(false)
      expect(Object.getOwnPropertyNames(NativeLike).sort()).toEqual(before)
      expect(Object.getOwnPropertyNames(NativeLike.prototype).sort()).toEqual(beforePrototype)
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'EventSource', descriptor)
      else delete (globalThis as { EventSource?: unknown }).EventSource
      vi.resetModules()
    }
  })
})
