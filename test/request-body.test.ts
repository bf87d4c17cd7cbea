/** [non-spec] `method` and `body`: POST-then-stream APIs, against a loopback server, over fetch and over XHR. */
import type { IncomingMessage } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { eventually, trace } from './helpers/events'
import { reactNativeXhr } from './helpers/react-native-xhr'
import { useSources } from './helpers/sources'
import { xhr } from '../src/xhr'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer
/** What each request to the echo route carried: method, Content-Type, body, Last-Event-ID. */
let seen: Array<{ method?: string; contentType?: string; body: string; lastEventId?: string }>

beforeAll(async () => {
  server = await startServer()
  // Answers every request with the body it got, then ends the stream, so that a reconnect follows.
  server.route('/echo', async (request, response, index) => {
    const body = await readBody(request)
    seen.push({ method: request.method, contentType: request.headers['content-type'], body, lastEventId: request.headers['last-event-id'] as string | undefined })
    startStream(response)
    response.end(`retry: 10\nid: ${index + 1}\ndata: ${request.method} ${body}\n\n`)
  })
})
afterAll(() => server.close())
afterEach(() => {
  seen = []
  vi.unstubAllGlobals()
})
seen = []
const open = useSources()

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (text += chunk))
    request.on('end', () => resolve(text))
  })
}

describe('[non-spec] method and body', () => {
  it('sends the method and body, and sends them again on every reconnect, with Last-Event-ID', async () => {
    const body = JSON.stringify({ prompt: 'hello' })
    const source = open(server.url('/echo'), { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    const events = trace(source)
    await eventually(() => seen.length === 2 && events.filter((e) => e.type === 'message').length === 2)
    source.close()
    expect(seen).toEqual([
      { method: 'POST', contentType: 'application/json', body, lastEventId: undefined },
      // The id the first response gave (the echo route numbers every request it gets).
      { method: 'POST', contentType: 'application/json', body, lastEventId: expect.stringMatching(/^\d+$/) },
    ])
    expect(events.find((e) => e.type === 'message')!.data).toBe(`POST ${body}`)
  })

  it('calls a body function for each attempt, and takes URLSearchParams, FormData and Blob bodies', async () => {
    let calls = 0
    const source = open(server.url('/echo'), { method: 'POST', body: () => new URLSearchParams({ q: 'sse', n: String(++calls) }) })
    await eventually(() => seen.length === 2)
    source.close()
    expect(seen.map((s) => [s.contentType, s.body])).toEqual([
      ['application/x-www-form-urlencoded;charset=UTF-8', 'q=sse&n=1'],
      ['application/x-www-form-urlencoded;charset=UTF-8', 'q=sse&n=2'],
    ])
    seen = []
    const form = new FormData()
    form.set('q', 'sse')
    const withForm = open(server.url('/echo'), { method: 'POST', body: form })
    const withBlob = open(server.url('/echo'), { method: 'PUT', body: new Blob(['{"q":"sse"}'], { type: 'application/json' }) })
    await eventually(() => seen.length >= 2)
    withForm.close()
    withBlob.close()
    expect(seen.find((s) => s.contentType?.startsWith('multipart/form-data'))!.body).toContain('name="q"\r\n\r\nsse')
    expect(seen.find((s) => s.method === 'PUT')).toMatchObject({ contentType: 'application/json', body: '{"q":"sse"}' })
  })

  it('follows a 303 with a GET without the body, and a 307 with the same method and body', async () => {
    server.route('/see-other', (_request, response) => response.writeHead(303, { Location: '/echo' }).end())
    server.route('/temporary', (_request, response) => response.writeHead(307, { Location: '/echo' }).end())
    const seeOther = open(server.url('/see-other'), { method: 'POST', body: 'q', headers: { 'Content-Type': 'text/plain' } })
    await eventually(() => seen.length === 1)
    seeOther.close()
    const temporary = open(server.url('/temporary'), { method: 'POST', body: 'q' })
    await eventually(() => seen.length === 2)
    temporary.close()
    expect(seen.map((s) => [s.method, s.contentType, s.body])).toEqual([
      ['GET', undefined, ''],
      ['POST', 'text/plain;charset=UTF-8', 'q'],
    ])
  })

  it('sends the method and body over XHR too', async () => {
    vi.stubGlobal('XMLHttpRequest', reactNativeXhr())
    const source = open(server.url('/echo'), { transport: xhr(), method: 'POST', body: '{"q":1}', headers: { 'Content-Type': 'application/json' } })
    await eventually(() => seen.length === 2)
    source.close()
    expect(seen.map((s) => [s.method, s.contentType, s.body, s.lastEventId])).toEqual([
      ['POST', 'application/json', '{"q":1}', undefined],
      ['POST', 'application/json', '{"q":1}', expect.stringMatching(/^\d+$/)],
    ])
  })
})
