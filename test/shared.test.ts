/**
 * [non-spec] sse-polyfill/shared outside a browser: the relay's text form, which each tab's own parser
 * reads back, and the fallback where tabs cannot share (Node has BroadcastChannel but no Web Locks).
 * Sharing itself is tested across Chromium tabs (test/browser/shared.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createParser, type ParsedEvent } from '../src/index'
import { EventSource } from '../src/shared/index'
import { eventText, isRelay } from '../src/shared/protocol'
import { nextEvent } from './helpers/events'
import { startServer, startStream, type TestServer } from './server/sse-server'

describe('[non-spec] the relay', () => {
  it.each([
    ['message', 'one', '1'],
    ['notice', 'two\nlines', ''],
    ['message', ' leading and trailing spaces ', ' id with spaces '],
    ['message', '', 'empty data'],
    ['message', '\n\n', 'only line breaks'],
    ['message:with:colons', 'data: inside', 'a:b'],
  ])('gives %j with data %j and id %j back through a parser', (type, data, lastEventId) => {
    const events: ParsedEvent[] = []
    createParser({ onEvent: (event) => events.push(event) }).feed(eventText(type, data, lastEventId))
    expect(events).toEqual([{ type, data, lastEventId }])
  })

  it('takes messages of its version only', () => {
    expect(isRelay({ v: 1, kind: 'hello' })).toBe(true)
    expect([isRelay({ v: 2, kind: 'hello' }), isRelay(null), isRelay('hello')]).toEqual([false, false, false])
  })
})

describe('[non-spec] shared: true where tabs cannot share', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
    server.route('/solo', (_request, response) => {
      startStream(response)
      response.write('data: alone\n\n')
    })
  })
  afterAll(() => server.close())

  it('keeps a connection of its own ("solo") and says so once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const sources = [new EventSource(server.url('/solo'), { shared: true }), new EventSource(server.url('/solo'), { shared: { key: 'k' } })]
    const messages = await Promise.all(sources.map((source) => nextEvent<MessageEvent>(source, 'message')))
    expect(messages.map((message) => message.data)).toEqual(['alone', 'alone'])
    expect(sources.map((source) => source.sharedRole)).toEqual(['solo', 'solo'])
    expect(server.requestsTo('/solo')).toHaveLength(2)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toContain('shared needs Web Locks and BroadcastChannel in a secure context')
    for (const source of sources) source.close()
    warn.mockRestore()
  })

  it('without `shared`, is the EventSource as ever, with the spec constructor checks', () => {
    const source = new EventSource(server.url('/solo'))
    expect(source.sharedRole).toBe('solo')
    source.close()
    expect(() => new (EventSource as unknown as new () => unknown)()).toThrow(TypeError)
  })
})
