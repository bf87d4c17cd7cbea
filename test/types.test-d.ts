/** Compile-only: the drop-in promise at the type level (run by vitest --typecheck). */
import { describe, expectTypeOf, it } from 'vitest'
import { backoff, EventSource, EventSourcePolyfill, type EventSourceConstructor, type EventSourceErrorEvent, type EventSourceLike, type EventSourceOptions, type HeadersContext, messages } from '../src/index'
import { EventSource as EventSourceClass } from '../src/event-source'
import { debugLogger, refreshOnAuthError, wakeUp, type HeadersFunctionPolicy, type Logger, type ReconnectionPolicy } from '../src/policies/index'
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

  it('takes header values that may be null or undefined (sent as no header), in an object only', () => {
    const getCookie = (name: string): string | undefined => name
    new EventSource('/s', { headers: { Authorization: getCookie('accessToken') } })
    new EventSource('/s', { headers: { Authorization: localStorage.getItem('token') } })
    new EventSource('/s', { headers: async () => ({ Authorization: getCookie('accessToken'), 'X-Tenant': localStorage.getItem('tenant') }) })
    // @ts-expect-error a pair's value is a string, as in the DOM's HeadersInit
    new EventSource('/s', { headers: [['Authorization', getCookie('accessToken')]] })
  })

  it('requires a headers function with refreshOnAuthError(), which calls it again', () => {
    // @ts-expect-error static headers would be sent again unchanged
    new EventSource('/s', { headers: { Authorization: 'Bearer x' }, policies: [refreshOnAuthError()] })
    // @ts-expect-error no headers at all
    new EventSource('/s', { policies: [refreshOnAuthError()] })
    // @ts-expect-error also among other policies, in any place
    new EventSource<{ notification: MessageEvent<string> }>('/s', { headers: { A: 'b' }, policies: [backoff(), refreshOnAuthError(), wakeUp()] })
    new EventSource('/s', { headers: ({ status }) => ({ Authorization: status === 401 ? 'Bearer fresh' : 'Bearer x' }), policies: [backoff(), refreshOnAuthError()] })
    new EventSource<{ notification: MessageEvent<string> }>('/s', { headers: async () => [['Authorization', 'Bearer x']], policies: [refreshOnAuthError()] })
    // Other policies go with static headers, or none.
    new EventSource('/s', { headers: { Authorization: 'Bearer x' }, policies: [backoff(), wakeUp(), debugLogger(), { decide: () => undefined }] })
    new EventSource('/s', { policies: [] })
    // Options typed wider still go (the policy warns at run time if need be), as do a policy's own type.
    const options: EventSourceOptions = { headers: { Authorization: 'Bearer x' }, policies: [refreshOnAuthError()] }
    new EventSource('/s', options)
    new EventSourcePolyfill('/s', { ...options })
    const policies: ReconnectionPolicy[] = [refreshOnAuthError()]
    new EventSource('/s', { headers: { Authorization: 'Bearer x' }, policies })
    expectTypeOf(refreshOnAuthError()).toEqualTypeOf<HeadersFunctionPolicy>()
  })

  it('exports a structural type: no private members, the class behind it', () => {
    // The declared constructor stays true to the class (assignable, as TypeScript checks it).
    const constructor: EventSourceConstructor = EventSourceClass
    expectTypeOf(constructor).toEqualTypeOf<EventSourceConstructor>()
    expectTypeOf(EventSource).toEqualTypeOf<EventSourceConstructor>()
    expectTypeOf(EventSourcePolyfill).toEqualTypeOf<EventSourceConstructor>()
    expectTypeOf<EventSourcePolyfill>().toEqualTypeOf<EventSource>()
    // A copy of its members is an EventSource.
    const copy: { [K in keyof EventSource]: EventSource[K] } = new EventSource('/s')
    expectTypeOf(copy).toExtend<EventSource>()
    expectTypeOf(EventSource.fromReadableStream(new ReadableStream())).toEqualTypeOf<EventSource>()
    expectTypeOf(EventSource.OPEN).toEqualTypeOf<1>()
    const value: unknown = null
    if (value instanceof EventSource) expectTypeOf(value).toEqualTypeOf<EventSource>()
    class Notifications extends EventSource<{ notification: MessageEvent<string> }> {
      count = 0
    }
    const notifications = new Notifications('/s', { headers: () => ({}), policies: [refreshOnAuthError()] })
    notifications.addEventListener('notification', (event) => expectTypeOf(event).toEqualTypeOf<MessageEvent<string>>())
    expectTypeOf(notifications).toExtend<EventSource<{ notification: MessageEvent<string> }>>()
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
      expectTypeOf(this).toExtend<EventSource<{ notification: MessageEvent<string>; typing: CustomEvent<Notification> }>>()
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
