/** [non-spec] The `signal` option, `for await` over messages(source), and the debugLogger() policy, against a loopback server. */
import { getEventListeners } from 'node:events'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventSource, messages, type EventSourceErrorEvent } from '../src/index'
import { debugLogger } from '../src/policies/index'
import { eventually, trace } from './helpers/events'
import { useSources } from './helpers/sources'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
afterEach(() => void vi.restoreAllMocks())
const open = useSources()

/** A stream that sends `text` and stays open; `dropped` tells whether the client went away. */
function streaming(text: string) {
  const route = (_request: unknown, response: import('node:http').ServerResponse) => {
    startStream(response)
    response.write(text)
    response.once('close', () => (route.dropped = true))
  }
  route.dropped = false
  return route
}

describe('[non-spec] the signal option', () => {
  it('closes the source when aborted: CLOSED, the connection dropped, no event', async () => {
    const route = streaming('data: 1\n\n')
    server.route('/signal', route)
    const controller = new AbortController()
    const source = open(server.url('/signal'), { signal: controller.signal })
    const events = trace(source)
    await eventually(() => events.length === 2)
    controller.abort()
    expect(source.readyState).toBe(EventSource.CLOSED)
    await eventually(() => route.dropped)
    expect(events.map((e) => e.type)).toEqual(['open', 'message'])
  })

  it('already aborted: CLOSED at once, and no request is made', async () => {
    server.route('/aborted', streaming('data: 1\n\n'))
    const source = open(server.url('/aborted'), { signal: AbortSignal.abort() })
    const events = trace(source)
    expect(source.readyState).toBe(EventSource.CLOSED)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events).toEqual([])
    expect(server.requestsTo('/aborted')).toEqual([])
  })

  it('lets go of the signal once the source is closed, so a long-lived signal does not keep sources', async () => {
    server.route('/let-go', streaming(''))
    const controller = new AbortController()
    const sources = [1, 2, 3].map(() => open(server.url('/let-go'), { signal: controller.signal }))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(3)
    sources[0]!.close()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(2)
    controller.abort()
    expect(sources.map((source) => source.readyState)).toEqual([2, 2, 2])
  })
})

describe('[non-spec] for await (const event of messages(source))', () => {
  it('gets the message events in order, across a reconnect, and ends when close() is called inside the loop', async () => {
    server.route('/iterate', (_request, response, index) => {
      startStream(response)
      // The first connection ends after two events; the loop goes on over the reconnect.
      if (index === 0) response.end('retry: 10\ndata: 1\n\nevent: other\ndata: skipped\n\ndata: 2\n\n')
      else response.write('data: 3\n\n')
    })
    const source = open(server.url('/iterate'))
    const received: string[] = []
    for await (const event of messages(source)) {
      received.push(event.data)
      if (event.data === '3') source.close()
    }
    expect(received).toEqual(['1', '2', '3'])
    expect(server.requestsTo('/iterate')).toHaveLength(2)
  })

  it('ends a loop that waits for an event when close() is called elsewhere', async () => {
    server.route('/wait', streaming('data: only\n\n'))
    const source = open(server.url('/wait'))
    const loop = (async () => {
      const received: string[] = []
      for await (const event of messages(source)) received.push(event.data)
      return received
    })()
    await eventually(() => source.readyState === EventSource.OPEN)
    await new Promise((resolve) => setTimeout(resolve, 20))
    source.close()
    await expect(loop).resolves.toEqual(['only'])
  })

  it('closes the source when the loop is left by break', async () => {
    const route = streaming('data: 1\n\ndata: 2\n\n')
    server.route('/break', route)
    const source = open(server.url('/break'))
    for await (const event of messages(source)) if (event.data === '1') break
    expect(source.readyState).toBe(EventSource.CLOSED)
    await eventually(() => route.dropped)
  })

  it('where the connection fails: the events received before, then the error event\'s error is thrown', async () => {
    server.route('/fails', (_request, response, index) => {
      if (index > 0) return void response.writeHead(500, 'Internal Server Error').end()
      startStream(response)
      response.end('retry: 10\ndata: before\n\n')
    })
    const source = open(server.url('/fails'))
    const failure = new Promise<EventSourceErrorEvent>((resolve) => source.addEventListener('error', (e) => source.readyState === 2 && resolve(e)))
    const received: string[] = []
    const loop = (async () => {
      for await (const event of messages(source)) received.push(event.data)
    })()
    await expect(loop).rejects.toThrow('HTTP 500 Internal Server Error. EventSource does not retry.')
    await expect(loop).rejects.toBe((await failure).error)
    expect(received).toEqual(['before'])
  })

  it('keeps the events that come before the first next(), and closes the source when left before it', async () => {
    server.route('/early', streaming('data: 1\n\n'))
    const source = open(server.url('/early'))
    const early = messages(source)
    await eventually(() => source.readyState === EventSource.OPEN)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await early.next()).toEqual({ value: expect.objectContaining({ data: '1' }), done: false })
    const left = messages(open(server.url('/early')))
    await left.return!()
    expect(source.readyState).toBe(EventSource.OPEN)
    await early.return!()
    expect(source.readyState).toBe(EventSource.CLOSED)
  })

  it('ends without throwing where an error listener closed the source on a reconnect', async () => {
    server.route('/closed-on-error', (_request, response) => {
      startStream(response)
      response.end('data: 1\n\n')
    })
    const source = open(server.url('/closed-on-error'))
    source.onerror = () => source.close()
    const received: string[] = []
    for await (const event of messages(source)) received.push(event.data)
    expect(received).toEqual(['1'])
  })

  it('throws the failure where the source failed before the loop began', async () => {
    server.route('/failed-before', (_request, response) => void response.writeHead(500, 'Internal Server Error').end())
    const source = open(server.url('/failed-before'))
    await eventually(() => source.readyState === EventSource.CLOSED)
    await expect(messages(source).next()).rejects.toThrow('HTTP 500 Internal Server Error. EventSource does not retry.')
  })

  it('takes only our EventSource', () => {
    expect(() => messages(new EventTarget() as unknown as EventSource)).toThrow(TypeError)
  })

  it('ends at once over a closed source', async () => {
    const source = open(server.url('/never-opened'), { signal: AbortSignal.abort() })
    const received: unknown[] = []
    for await (const event of messages(source)) received.push(event)
    expect(received).toEqual([])
  })

  it('a loop more than 10,000 events behind closes the source and throws a RangeError, after the events it holds', async () => {
    server.route('/flood', (_request, response) => {
      startStream(response)
      response.write('data: x\n\n'.repeat(10_002))
    })
    const source = open(server.url('/flood'))
    const iterator = messages(source)
    // The first event is taken; the loop then stalls while the rest arrive.
    await iterator.next()
    await eventually(() => source.readyState === EventSource.CLOSED)
    let held = 0
    const error = await (async () => {
      try {
        while (!(await iterator.next()).done) held++
      } catch (error) {
        return error
      }
    })()
    expect(error).toBeInstanceOf(RangeError)
    expect((error as Error).message).toBe('The loop fell more than 10000 events behind; the EventSource was closed.')
    expect(held).toBe(10_000)
  })
})

describe('[non-spec] the debugLogger() policy', () => {
  it('debug gets each step: open, every error event, closed; with the source', async () => {
    server.route('/steps', (_request, response, index) => {
      startStream(response)
      if (index === 0) response.end('retry: 10\ndata: 1\n\n')
      else response.write('data: 2\n\n')
    })
    const debug = vi.fn()
    const source = open(server.url('/steps'), { policies: [debugLogger({ debug })] })
    await eventually(() => debug.mock.calls.length === 3)
    source.close()
    await eventually(() => debug.mock.calls.length === 4)
    const url = server.url('/steps')
    expect(debug.mock.calls.map(([message]) => message)).toEqual([`Open: ${url}.`, 'The server ended the stream. Reconnecting in 10 ms.', `Open: ${url}.`, 'Closed.'])
    expect(debug.mock.calls.every(([, from]) => from === source)).toBe(true)
  })

  it('a logger that throws is reported, and neither close() nor the connection breaks', async () => {
    server.route('/throwing', streaming('data: 1\n\n'))
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    try {
      const source = open(server.url('/throwing'), {
        policies: [
          debugLogger({
            debug: () => {
              throw new Error('logger bug')
            },
          }),
        ],
      })
      const events = trace(source)
      await eventually(() => events.length === 2)
      source.close()
      expect(source.readyState).toBe(EventSource.CLOSED)
      expect(events.map((e) => e.type)).toEqual(['open', 'message'])
      // Open, Closed.
      await eventually(() => reportError.mock.calls.length === 2)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('prints nothing by default on a stream that connects, reconnects and fails', async () => {
    server.route('/quiet', (_request, response, index) => {
      if (index > 0) return void response.writeHead(404).end()
      startStream(response)
      response.end('retry: 10\ndata: 1\n\n')
    })
    const printed = (['log', 'info', 'debug', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}))
    const source = open(server.url('/quiet'))
    await eventually(() => source.readyState === EventSource.CLOSED)
    for (const spy of printed) expect(spy).not.toHaveBeenCalled()
  })
})
