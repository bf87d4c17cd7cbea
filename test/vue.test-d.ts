/**
 * Compile-only: a source held by Vue's reactivity. `ref()` and `reactive()` give a structural copy of
 * its type (`UnwrapRef`), which a function taking an EventSource takes.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { reactive, ref, shallowRef, type Ref, type UnwrapRef } from 'vue'
import { EventSource, EventSourcePolyfill } from '../src/index'

function listen(source: EventSource): void {
  source.close()
}

describe('Vue', () => {
  it('takes a source out of a ref as an EventSource', () => {
    const empty = ref<EventSource>()
    if (empty.value) listen(empty.value)
    const held = ref(new EventSource('/s'))
    listen(held.value)
    const polyfill: (source: EventSourcePolyfill) => void = listen
    polyfill(held.value)
    const typed: Ref<EventSource | null> = ref(null)
    typed.value = new EventSource('/s')
    listen(typed.value)
    listen(shallowRef(EventSource.fromReadableStream(new ReadableStream())).value)
  })

  it('takes a source out of reactive() as an EventSource, its named events typed', () => {
    const state = reactive({ source: new EventSource<{ notification: MessageEvent<string> }>('/s') })
    listen(state.source)
    state.source.addEventListener('notification', (event) => expectTypeOf(event.data).toEqualTypeOf<string>())
  })

  it('unwraps to a type assignable to EventSource', () => {
    expectTypeOf<UnwrapRef<EventSource>>().toExtend<EventSource>()
    expectTypeOf<UnwrapRef<EventSource<{ tick: MessageEvent<string> }>>>().toExtend<EventSource<{ tick: MessageEvent<string> }>>()
  })
})
