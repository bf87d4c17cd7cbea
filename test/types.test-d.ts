/** Compile-only: the drop-in promise at the type level (run by vitest --typecheck). */
import { describe, expectTypeOf, it } from 'vitest'
import { backoff, EventSource, EventSourcePolyfill, type EventSourceErrorEvent, type EventSourceOptions, type HeadersContext } from '../src/index'

describe('types', () => {
  it('is assignable where the DOM EventSource is expected', () => {
    const source = new EventSource('https://example.test/stream')
    const asNative: globalThis.EventSource = source
    expectTypeOf(asNative.readyState).toEqualTypeOf<number>()
  })

  it('accepts the native init dictionary and our options', () => {
    expectTypeOf<EventSourceInit>().toExtend<EventSourceOptions>()
    new EventSourcePolyfill('/s', { withCredentials: true, headers: { Authorization: 'Bearer x' }, heartbeatTimeout: 45_000 })
    new EventSource('/s', { headers: () => new Headers(), lastEventIdQueryParameterName: 'lastEventId' })
    new EventSource('/s', { headers: async () => [['Authorization', 'Bearer x']] })
    // @ts-expect-error headers values are strings
    new EventSource('/s', { headers: { 'X-Count': 1 } })
    new EventSource('/s', { transport: 'xhr', xhrResponseLimit: 2 ** 20 })
    // @ts-expect-error only fetch, xhr and auto
    new EventSource('/s', { transport: 'websocket' })
    new EventSource('/s', { refreshOnAuthError: true, headers: (context) => (expectTypeOf(context).toEqualTypeOf<HeadersContext>(), {}) })
    new EventSource('/s', { retryPolicy: backoff({ maxAttempts: 5 }) }).reconnect()
    new EventSource('/s', { retryPolicy: { retriesStatus: (status) => status === 502, delay: (failures) => (failures < 3 ? 1000 : undefined) } })
    // @ts-expect-error a policy is an object with retriesStatus and delay, not options
    new EventSource('/s', { retryPolicy: { maxAttempts: 5 } })
  })

  it('types listeners by event name', () => {
    const source = new EventSource('/s')
    source.addEventListener('error', (event) => expectTypeOf(event).toEqualTypeOf<EventSourceErrorEvent>())
    source.addEventListener('open', (event) => expectTypeOf(event).toEqualTypeOf<Event>())
    source.addEventListener('notification', (event) => expectTypeOf(event.data).toEqualTypeOf<string>())
    source.onmessage = function (event) {
      expectTypeOf(this.close).toEqualTypeOf<() => void>()
      expectTypeOf(event.lastEventId).toEqualTypeOf<string>()
    }
    source.onerror = (event) => expectTypeOf(event.status).toEqualTypeOf<number | undefined>()
    expectTypeOf(source.readyState).toEqualTypeOf<0 | 1 | 2>()
    expectTypeOf(EventSource.CLOSED).toEqualTypeOf<2>()
  })
})
