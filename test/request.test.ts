import { describe, expect, it } from 'vitest'
import { buildRequest, seedLastEventId, type RequestOptions } from '../src/request'

const base: RequestOptions = { url: 'https://api.test/stream?topic=a', headersOrigin: 'https://api.test', withCredentials: false, lastEventId: '', lastEventIdHeader: true }

describe('buildRequest', () => {
  it('asks for text/event-stream with same-origin credentials, and nothing else, by default', () => {
    expect(buildRequest(base)).toEqual({ url: base.url, headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', forwardHeadersOnCrossOriginRedirect: false })
  })

  it('uses credentials include for withCredentials', () => {
    expect(buildRequest({ ...base, withCredentials: true }).credentials).toBe('include')
  })

  it('lets a custom Accept replace the default, whatever its case', () => {
    expect(buildRequest({ ...base, headers: { accept: 'text/event-stream, */*' } }).headers).toEqual({ accept: 'text/event-stream, */*' })
  })

  it('keeps every custom header', () => {
    const headers = buildRequest({ ...base, headers: [['Authorization', 'Bearer t'], ['X-Tenant', '7']] }).headers
    expect(headers).toEqual({ Accept: 'text/event-stream', Authorization: 'Bearer t', 'X-Tenant': '7' })
  })

  it('sends Last-Event-ID only when the last event ID is not empty', () => {
    expect(buildRequest({ ...base, lastEventId: '' }).headers).not.toHaveProperty('Last-Event-ID')
    expect(buildRequest({ ...base, lastEventId: '12' }).headers['Last-Event-ID']).toBe('12')
  })

  it('never sends a custom Last-Event-ID header itself, in any case', () => {
    expect(buildRequest({ ...base, headers: { 'last-event-id': 'old', 'X-A': '1' } }).headers).toEqual({ Accept: 'text/event-stream', 'X-A': '1' })
    expect(buildRequest({ ...base, lastEventId: '12', headers: { 'Last-Event-ID': 'old' } }).headers).toEqual({ Accept: 'text/event-stream', 'Last-Event-ID': '12' })
  })

  it('reads a custom Last-Event-ID, in any case and form, as the seed of the last event ID', () => {
    expect(seedLastEventId(undefined)).toBe('')
    expect(seedLastEventId({ Authorization: 'x' })).toBe('')
    expect(seedLastEventId({ 'LAST-EVENT-ID': 'stored' })).toBe('stored')
    expect(seedLastEventId(new Headers({ 'Last-Event-ID': 'from-headers' }))).toBe('from-headers')
    expect(seedLastEventId([['last-event-id', 'from-pairs']])).toBe('from-pairs')
  })

  it('encodes a non-ASCII id as UTF-8 bytes, one character per byte', () => {
    expect(buildRequest({ ...base, lastEventId: '\u00e9\u2026' }).headers['Last-Event-ID']).toBe('\xc3\xa9\xe2\x80\xa6')
  })

  it('leaves the header out where CORS refused it, sending the id in the query only', () => {
    const request = buildRequest({ ...base, lastEventId: '7', lastEventIdHeader: false, lastEventIdQueryParameterName: 'lastEventId' })
    expect(request.headers).toEqual({ Accept: 'text/event-stream' })
    expect(request.url).toBe('https://api.test/stream?topic=a&lastEventId=7')
  })

  it('adds the id as the named query parameter, replacing an existing one, only when there is an id', () => {
    const options = { ...base, url: 'https://api.test/s?lastEventId=1&topic=a', lastEventIdQueryParameterName: 'lastEventId' }
    expect(buildRequest(options).url).toBe(options.url)
    expect(buildRequest({ ...options, lastEventId: '5 6' }).url).toBe('https://api.test/s?lastEventId=5+6&topic=a')
  })
})
