import { describe, expect, it } from 'vitest'
import { buildRequest, type RequestOptions } from '../src/request'

const base: RequestOptions = { url: 'https://api.test/stream?topic=a', withCredentials: false, lastEventId: '' }

describe('buildRequest', () => {
  it('asks for text/event-stream with same-origin credentials, and nothing else, by default', () => {
    expect(buildRequest(base)).toEqual({ url: base.url, headers: { Accept: 'text/event-stream' }, credentials: 'same-origin' })
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

  it('lets its own Last-Event-ID replace a custom one in any case', () => {
    const headers = buildRequest({ ...base, lastEventId: '12', headers: { 'last-event-id': 'old' } }).headers
    expect(headers).toEqual({ Accept: 'text/event-stream', 'Last-Event-ID': '12' })
  })

  it('passes a custom Last-Event-ID through while it has none of its own', () => {
    expect(buildRequest({ ...base, headers: { 'Last-Event-ID': 'stored' } }).headers['Last-Event-ID']).toBe('stored')
  })

  it('encodes a non-ASCII id as UTF-8 bytes, one character per byte', () => {
    expect(buildRequest({ ...base, lastEventId: '\u00e9\u2026' }).headers['Last-Event-ID']).toBe('\xc3\xa9\xe2\x80\xa6')
  })

  it('adds the id as the named query parameter, replacing an existing one, only when there is an id', () => {
    const options = { ...base, url: 'https://api.test/s?lastEventId=1&topic=a', lastEventIdQueryParameterName: 'lastEventId' }
    expect(buildRequest(options).url).toBe(options.url)
    expect(buildRequest({ ...options, lastEventId: '5 6' }).url).toBe('https://api.test/s?lastEventId=5+6&topic=a')
  })
})
