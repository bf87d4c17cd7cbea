/**
 * Compile-only: what the hooks' types give an app. `parse` types the data; named events type Vue's
 * `event`; the callbacks get what the hooks give them.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { ShallowRef } from 'vue'
import { type EventSourceErrorEvent, type ReceivedEvent, type SourceView } from '../src/index'
import { useEventSource as useReact } from '../src/react/index'
import { useEventSource as useVue } from '../src/vue/index'

interface Notification {
  id: number
  text: string
}

describe('sse-polyfill/react', () => {
  it('types lastEvent by parse, and the state', () => {
    const state = useReact('/events', { parse: (data) => JSON.parse(data) as Notification, headers: () => ({ Authorization: 'Bearer t' }) })
    expectTypeOf(state.lastEvent).toEqualTypeOf<ReceivedEvent<Notification> | null>()
    expectTypeOf(state.readyState).toEqualTypeOf<0 | 1 | 2>()
    expectTypeOf(state.error).toEqualTypeOf<EventSourceErrorEvent | null>()
    expectTypeOf(useReact(null).lastEvent).toEqualTypeOf<ReceivedEvent<string> | null>()
    useReact('/events', {
      onMessage(message, event) {
        expectTypeOf(message.data).toEqualTypeOf<string>()
        expectTypeOf(event).toEqualTypeOf<MessageEvent<string>>()
      },
    })
  })
})

describe('sse-polyfill/vue', () => {
  it("returns VueUse's refs, typed by the named events and parse", () => {
    const state = useVue('/events', ['notice', 'update'], { serializer: { read: (data) => JSON.parse(data ?? 'null') as Notification } })
    expectTypeOf(state.event).toEqualTypeOf<ShallowRef<'notice' | 'update' | null>>()
    expectTypeOf(state.data).toEqualTypeOf<ShallowRef<Notification | null>>()
    expectTypeOf(state.status).toEqualTypeOf<ShallowRef<'CONNECTING' | 'OPEN' | 'CLOSED'>>()
    expectTypeOf(state.eventSource).toEqualTypeOf<ShallowRef<SourceView | null>>()
    expectTypeOf(state.lastEvent).toEqualTypeOf<ShallowRef<ReceivedEvent<Notification> | null>>()
  })
})
