/** Compile-only: the drop-in promise at the type level (run by vitest --typecheck). */
import { describe, expectTypeOf, it } from 'vitest'
import { backoff, EventSource, EventSourcePolyfill, type EventSourceErrorEvent, type EventSourceLike, type EventSourceOptions, type HeadersContext, messages } from '../src/index'
import { debugLogger, refreshOnAuthError, wakeUp, type Logger } from '../src/policies/index'
import { xhr } from '../src/xhr'

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
    new EventSource('/s', { transport: xhr({ responseLimit: 2 ** 20 }) })
    // @ts-expect-error a transport is a value from sse-polyfill/xhr, no longer a name
    new EventSource('/s', { transport: 'xhr' })
    new EventSource('/s', { policies: [refreshOnAuthError()], headers: (context) => (expectTypeOf(context).toEqualTypeOf<HeadersContext>(), {}) })
    new EventSource('/s', { policies: [backoff({ maxAttempts: 5 }), wakeUp()] }).reconnect()
    new EventSource('/s', { policies: [{ decide: (failure, { failures }) => (failure.status === 502 && failures < 3 ? { reconnectIn: 1000 } : undefined) }] })
    // @ts-expect-error a policy is an object with decide or watch, not options
    new EventSource('/s', { policies: [{ maxAttempts: 5 }] })
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

  it('types named events through the type parameter, and keeps the DOM EventSource shape', () => {
    interface Notification {
      id: number
    }
    const source = new EventSource<{ notification: MessageEvent<string>; typing: CustomEvent<Notification> }>('/s')
    source.addEventListener('notification', (event) => expectTypeOf(event).toEqualTypeOf<MessageEvent<string>>())
    source.addEventListener('typing', (event) => expectTypeOf(event.detail).toEqualTypeOf<Notification>())
    source.addEventListener('error', (event) => expectTypeOf(event).toEqualTypeOf<EventSourceErrorEvent>())
    // A name outside the map is still a MessageEvent of a string.
    source.addEventListener('other', (event) => expectTypeOf(event.data).toEqualTypeOf<string>())
    source.addEventListener('notification', function () {
      expectTypeOf(this).toEqualTypeOf<EventSource<{ notification: MessageEvent<string>; typing: CustomEvent<Notification> }>>()
    })
    // @ts-expect-error a notification is a MessageEvent, not a CustomEvent
    source.addEventListener('notification', (event: CustomEvent) => event)
    // @ts-expect-error the map's values are events
    new EventSource<{ notification: string }>('/s')
    const asNative: globalThis.EventSource = source
    expectTypeOf(asNative.close).toEqualTypeOf<() => void>()
  })

  it('iterates MessageEvents of strings with for await over messages()', async () => {
    for await (const event of messages(new EventSource('/s'))) expectTypeOf(event).toEqualTypeOf<MessageEvent<string>>()
  })

  it('takes a signal, and policies with a debug logger (console is one)', () => {
    new EventSource('/s', { signal: AbortSignal.timeout(1000), policies: [debugLogger(console)] })
    new EventSource('/s', { policies: [debugLogger({ debug: (message, source) => (expectTypeOf(message).toEqualTypeOf<string>(), expectTypeOf(source).toEqualTypeOf<EventSourceLike>()) })] })
    expectTypeOf<Console>().toExtend<Logger>()
    // @ts-expect-error a logger's methods take a message
    debugLogger({ debug: (count: number) => count })
  })
})
