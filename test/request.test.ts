import { describe, expect, it } from 'vitest'
import { buildRequest, readHeaders, type RequestOptions } from '../src/connection/request'

const base: RequestOptions = { url: 'https://api.test/stream?topic=a', headersOrigin: 'https://api.test', withCredentials: false, headers: new Headers(), lastEventId: '', lastEventIdHeader: true }

function headersOf(init: ConstructorParameters<typeof Headers>[0] | null): Headers {
  const headers = readHeaders(init as Record<string, string>)
  if (!(headers instanceof Headers)) throw new Error(`invalid: ${headers.invalid}`)
  return headers
}

describe('buildRequest', () => {
  it('asks for text/event-stream with same-origin credentials, and nothing else, by default', () => {
    expect(buildRequest(base)).toEqual({ url: base.url, method: 'GET', headers: { accept: 'text/event-stream' }, credentials: 'same-origin', forwardHeadersOnCrossOriginRedirect: false })
  })

  it('uses credentials include for withCredentials', () => {
    expect(buildRequest({ ...base, withCredentials: true }).credentials).toBe('include')
  })

  it('lets a custom Accept replace the default, whatever its case', () => {
    expect(buildRequest({ ...base, headers: headersOf({ ACCEPT: 'text/event-stream, */*' }) }).headers).toEqual({ accept: 'text/event-stream, */*' })
  })

  it('keeps every custom header, names in lower case', () => {
    const headers = buildRequest({ ...base, headers: headersOf([['Authorization', 'Bearer t'], ['X-Tenant', '7']]) }).headers
    expect(headers).toEqual({ accept: 'text/event-stream', authorization: 'Bearer t', 'x-tenant': '7' })
  })

  it('sends custom headers only to the origin they were given for, unless told to forward them', () => {
    const options = { ...base, url: 'https://elsewhere.test/s', headers: headersOf({ Authorization: 'Bearer t' }) }
    expect(buildRequest(options).headers).toEqual({ accept: 'text/event-stream' })
    expect(buildRequest({ ...options, forwardHeadersOnCrossOriginRedirect: true }).headers).toEqual({ accept: 'text/event-stream', authorization: 'Bearer t' })
  })

  it('sends Last-Event-ID only when the last event ID is not empty', () => {
    expect(buildRequest({ ...base, lastEventId: '' }).headers).not.toHaveProperty('last-event-id')
    expect(buildRequest({ ...base, lastEventId: '12' }).headers['last-event-id']).toBe('12')
  })

  it('never sends a custom Last-Event-ID header itself, in any case', () => {
    expect(buildRequest({ ...base, headers: headersOf({ 'last-event-id': 'old', 'X-A': '1' }) }).headers).toEqual({ accept: 'text/event-stream', 'x-a': '1' })
    expect(buildRequest({ ...base, lastEventId: '12', headers: headersOf({ 'Last-Event-ID': 'old' }) }).headers).toEqual({ accept: 'text/event-stream', 'last-event-id': '12' })
  })

  it('encodes a non-ASCII id as UTF-8 bytes, one character per byte', () => {
    expect(buildRequest({ ...base, lastEventId: '\u00e9\u2026' }).headers['last-event-id']).toBe('\xc3\xa9\xe2\x80\xa6')
  })

  it('leaves the header out where CORS refused it, sending the id in the query only', () => {
    const request = buildRequest({ ...base, lastEventId: '7', lastEventIdHeader: false, lastEventIdQueryParameterName: 'lastEventId' })
    expect(request.headers).toEqual({ accept: 'text/event-stream' })
    expect(request.url).toBe('https://api.test/stream?topic=a&lastEventId=7')
  })

  it('adds the id as the named query parameter, replacing an existing one, only when there is an id', () => {
    const options = { ...base, url: 'https://api.test/s?lastEventId=1&topic=a', lastEventIdQueryParameterName: 'lastEventId' }
    expect(buildRequest(options).url).toBe(options.url)
    expect(buildRequest({ ...options, lastEventId: '5 6' }).url).toBe('https://api.test/s?lastEventId=5+6&topic=a')
  })
})

describe('readHeaders', () => {
  it('takes an object, a Headers or a list of pairs, and nothing', () => {
    expect([...headersOf({ 'X-A': '1' })]).toEqual([['x-a', '1']])
    expect([...headersOf(new Headers({ 'X-A': '1' }))]).toEqual([['x-a', '1']])
    expect([...headersOf([['X-A', '1'], ['x-b', '2']])]).toEqual([['x-a', '1'], ['x-b', '2']])
    expect([...headersOf(undefined)]).toEqual([])
    // A headers function that returns nothing sends no custom header.
    expect([...headersOf(null)]).toEqual([])
  })

  it('trims surrounding whitespace from a value, CR and LF included, as fetch does', () => {
    expect(headersOf({ 'X-A': ' v\r\n' }).get('x-a')).toBe('v')
  })

  it.each([
    ['a name that is not a token', { 'X Y': '1' }],
    ['a CR in a value', { 'X-A': 'a\rb' }],
    ['an LF in a value', { 'X-A': 'a\nb' }],
    ['a NUL in a value', { 'X-A': 'a\0b' }],
    ['a character above U+00FF in a value', { 'X-A': '\u20ac' }],
  ])('names the first header HTTP cannot carry: %s', (_, init) => {
    expect(readHeaders({ 'X-Fine': 'ok', ...init })).toEqual({ invalid: Object.keys(init)[0] })
  })
})
