/**
 * [non-spec] sse-polyfill/shared in Node: the relay's text form, which each instance's own parser reads
 * back; the fallback where tabs cannot share (Node has BroadcastChannel but no Web Locks); and, with
 * Web Locks stood in for, instances of one process sharing as tabs do, for the cases a browser run
 * makes slow to set up. Sharing across real tabs is tested in Chromium (test/browser/shared.test.ts).
 */
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createParser, messages, type ParsedEvent, type Transport } from '../src/index'
import { EventSource } from '../src/shared/index'
import { fetchOrXhr } from '../src/xhr'
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

/** Web Locks, in one process: exclusive locks granted in request order, or at once if available; a queued request can be withdrawn. */
function standInWebLocks(): void {
  const held = new Set<string>()
  const queues = new Map<string, Array<() => void>>()
  const request = (name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: object | null) => unknown) =>
    new Promise((resolve, reject) => {
      if (options.ifAvailable && held.has(name)) return void Promise.resolve(null).then(callback).then(resolve, reject)
      const grant = () => {
        held.add(name)
        Promise.resolve({ name })
          .then(callback)
          .then(resolve, reject)
          .finally(() => {
            held.delete(name)
            queues.get(name)?.shift()?.()
          })
      }
      if (!held.has(name)) return grant()
      const queue = queues.get(name) ?? []
      queues.set(name, queue)
      queue.push(grant)
      options.signal?.addEventListener('abort', () => {
        if (queue.includes(grant)) queue.splice(queue.indexOf(grant), 1) && reject(new DOMException('Withdrawn', 'AbortError'))
      })
    })
  vi.stubGlobal('navigator', { locks: { request } })
  vi.stubGlobal('isSecureContext', true)
}

describe('[non-spec] shared: true among the instances of one page (Web Locks stood in for)', () => {
  let server: TestServer
  let scripts = new Map<string, (response: ServerResponse, index: number) => void>()
  const instances: EventSource[] = []
  beforeAll(async () => {
    server = await startServer()
    server.route('/tabs/*', (request, response, index) => {
      startStream(response)
      scripts.get(request.url!.split('?')[0]!)?.(response, index)
    })
  })
  afterEach(() => {
    instances.splice(0).forEach((instance) => instance.close())
    scripts = new Map()
    vi.unstubAllGlobals()
  })
  afterAll(() => server.close())

  let paths = 0
  /** A path whose `index`th request the script answers. */
  const route = (script: (response: ServerResponse, index: number) => void) => {
    const path = `/tabs/${++paths}`
    scripts.set(path, script)
    return server.url(path)
  }
  const open = (url: string, options: ConstructorParameters<typeof EventSource>[1] = {}) => {
    const instance = new EventSource(url, { shared: true, ...options })
    instances.push(instance)
    const seen: string[] = []
    instance.onopen = () => seen.push('open')
    instance.onmessage = (event) => seen.push(event.data)
    instance.onerror = () => seen.push(`error ${instance.readyState}`)
    return { instance, seen }
  }
  const until = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 3000 })

  it('an id-only block before the first event does not make that event look replayed', async () => {
    standInWebLocks()
    let send!: (text: string) => void
    const url = route((response) => (send = (text) => response.write(text)))
    const leader = open(url)
    await until(() => leader.seen.includes('open'))
    const follower = open(url)
    await until(() => follower.instance.readyState === 1)
    send('id: 7\n\ndata: hello\n\n')
    await until(() => follower.seen.includes('hello') && leader.seen.includes('hello'))
    expect([leader.instance.sharedRole, follower.instance.sharedRole, follower.instance.lastEventId]).toEqual(['leader', 'follower', '7'])
  })

  it("a leader closed in its own onerror hands over: the others reconnect, they do not close", async () => {
    standInWebLocks()
    let end!: () => void
    const url = route((response, index) => (index === 0 ? (end = () => response.end('id: 1\ndata: first\n\n')) : response.write('id: 2\ndata: second\n\n')))
    const leader = open(url)
    await until(() => leader.seen.includes('open'))
    const follower = open(url)
    await until(() => follower.seen.includes('open'))
    leader.instance.onerror = () => leader.instance.close()
    end()
    await until(() => follower.seen.includes('second'))
    expect(follower.seen).toEqual(['open', 'first', 'error 0', 'open', 'second'])
    expect(server.requestsTo(new URL(url).pathname).map((request) => request.lastEventId)).toEqual([undefined, '1'])
  })

  it("ends a follower's messages() loop without throwing where the leader's stream ended on purpose", async () => {
    standInWebLocks()
    let end!: () => void
    const url = route((response) => (end = () => response.end('data: last\n\n')))
    const leader = open(url, { reconnectOnEnd: false })
    await until(() => leader.seen.includes('open'))
    const follower = open(url, { reconnectOnEnd: false })
    await until(() => follower.instance.readyState === 1)
    const received: string[] = []
    const loop = (async () => {
      for await (const event of messages(follower.instance)) received.push(event.data)
    })()
    end()
    await expect(loop).resolves.toBeUndefined()
    expect([received, follower.instance.readyState]).toEqual([['last'], 2])
  })

  it("a follower's reconnect() asks the leader, and opens again while the leader's connection is open", async () => {
    standInWebLocks()
    const url = route(() => {})
    const leader = open(url)
    await until(() => leader.seen.includes('open'))
    const follower = open(url)
    await until(() => follower.seen.includes('open'))
    follower.instance.reconnect()
    await until(() => follower.seen.length === 2)
    expect([follower.seen, server.requestsTo(new URL(url).pathname).length]).toEqual([['open', 'open'], 1])
  })

  it('an event within maxEventSize reaches every instance, although the relayed text is longer', async () => {
    standInWebLocks()
    const url = route((response) => response.write('data:14 characters..\n\n'))
    const leader = open(url, { maxEventSize: 20 })
    const follower = open(url, { maxEventSize: 20 })
    await until(() => leader.seen.includes('14 characters..') && follower.seen.includes('14 characters..'))
    expect([leader.instance.readyState, follower.instance.readyState]).toEqual([1, 1])
  })

  it("tells the leader's transport of each event and id, as its own parser would", async () => {
    standInWebLocks()
    const told: string[] = []
    const fetchTransport = fetchOrXhr({ fetch: globalThis.fetch })
    const transport: Transport = (request, handlers) => ({ ...fetchTransport(request, handlers), onEvent: () => told.push('event'), onLastEventId: (id) => told.push(`id ${id}`) })
    const url = route((response) => response.write('id: 1\ndata: a\n\ndata: b\n\n'))
    const leader = open(url, { transport })
    await until(() => leader.seen.includes('b'))
    expect(told).toEqual(['event', 'id 1', 'event'])
  })

  it('with an aborted signal, asks for no lock and no connection', async () => {
    standInWebLocks()
    const url = route(() => {})
    const { instance } = open(url, { signal: AbortSignal.abort() })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect([instance.readyState, instance.sharedRole, server.requestsTo(new URL(url).pathname).length]).toEqual([2, 'solo', 0])
  })
})
