/** UTF-8 decoding of the byte stream: what the transport hands the parser. */
import { describe, expect, it } from 'vitest'
import { chunkings } from './helpers/chunking'
import { byteCases, bytes, utf8 } from './fixtures/bytes'
import { trace, until } from './helpers/events'
import { useMockServer } from './helpers/msw'
import { sseRoute } from './helpers/sse-route'
import { useSources } from './helpers/sources'

const server = useMockServer()
const URL_ = 'http://sse.test/bytes'
const open = useSources()

/** Streams the bytes in the given pieces and returns the data of the messages dispatched. */
async function messagesFrom(pieces: Uint8Array[], contentType = 'text/event-stream'): Promise<string[]> {
  const route = sseRoute(URL_, undefined, { 'Content-Type': contentType })
  server.use(route.handler)
  const source = open(URL_)
  const events = trace(source, ['message'])
  const ended = trace(source, ['end'])
  const connection = await route.nextConnection()
  for (const piece of pieces) connection.send(piece)
  // A closing marker event tells when everything before it has been parsed.
  connection.send(utf8('\n\nevent: end\ndata: end\n\n'))
  await until(() => ended.length === 1)
  return events.map((event) => event.data!)
}

describe('UTF-8 decoding', () => {
  for (const [name, input, data] of byteCases) {
    describe(name, () => {
      for (const [how, pieces] of chunkings(input)) {
        it(`fed ${how}`, async () => {
          expect(await messagesFrom(pieces)).toEqual(data)
        })
      }
    })
  }

  it('ignores the charset parameter: windows-1252 is still read as UTF-8 (format-utf-8)', async () => {
    expect(await messagesFrom([bytes('data: ok €\n\n')], 'text/event-stream; charset=windows-1252')).toEqual(['ok €'])
  })

  it('drops a leading BOM on every connection, and only there (decoder state is per connection)', async () => {
    const route = sseRoute(URL_)
    server.use(route.handler)
    const source = open(URL_)
    const events = trace(source, ['message', 'error'])
    const first = await route.nextConnection()
    // The first connection ends in the middle of a character: none of it may leak into the next one.
    first.send(bytes([0xef, 0xbb, 0xbf], 'retry: 1\ndata: 1\n\ndata: ', [0xe2, 0x98]))
    await until(() => events.length === 1)
    first.end()
    const second = await route.nextConnection()
    second.send(bytes([0xef, 0xbb, 0xbf], 'data: 2\n\n'))
    await until(() => events.length === 3)
    expect(events.map((event) => event.data ?? event.type)).toEqual(['1', 'error', '2'])
  })
})
