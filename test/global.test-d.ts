/**
 * Compile-only: the script tag's globals, as `/// <reference types="sse-polyfill/global" />` declares
 * them (run by vitest --typecheck; test/package.test.ts checks that line against the packed package).
 */
import '../src/global-types'
import { describe, expectTypeOf, it } from 'vitest'
import { EventSource, messages } from '../src/index'
import { xhr } from '../src/xhr'

describe('script-tag globals', () => {
  it('types window.SSEPolyfill as the modules it carries', () => {
    expectTypeOf(window.SSEPolyfill.EventSource).toEqualTypeOf<typeof EventSource>()
    expectTypeOf(SSEPolyfill.messages).toEqualTypeOf<typeof messages>()
    expectTypeOf(SSEPolyfill.xhr).toEqualTypeOf<typeof xhr>()
    const source = new SSEPolyfill.EventSource('/s', { headers: { Authorization: 'Bearer x' }, transport: SSEPolyfill.fetchOrXhr() })
    expectTypeOf(source).toExtend<globalThis.EventSource>()
    // @ts-expect-error headers values are strings
    new SSEPolyfill.EventSource('/s', { headers: { 'X-Count': 1 } })
    // @ts-expect-error the namespace holds what the script tag defines, not every export
    void SSEPolyfill.createParser
  })

  it('types the globals kept for pages moving from event-source-polyfill', () => {
    expectTypeOf(window.EventSourcePolyfill).toEqualTypeOf<typeof EventSource>()
    expectTypeOf(NativeEventSource).toEqualTypeOf<typeof globalThis.EventSource | undefined>()
    // @ts-expect-error undefined where the browser has no EventSource
    new NativeEventSource('/s')
  })
})
