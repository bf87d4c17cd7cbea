/**
 * `sse-polyfill/vue` on the sources: in components (@vue/test-utils) and in a bare effectScope, against
 * a loopback server that counts the streams open at each moment; one test per VueUse bug it avoids.
 */
import { mount } from '@vue/test-utils'
import { createSSRApp, defineComponent, effectScope, h, nextTick, shallowRef, watch } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it, vi } from 'vitest'
import { useEventSource, type UseEventSourceOptions } from '../../src/vue'
import { countedStreams } from '../helpers/counted-streams'

const { newStream, server } = countedStreams()

/** Lets the deferred close (a macrotask) and the server's view of it happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

/** useEventSource in a bare effectScope; stop() disposes of it. */
function inScope<T>(use: () => T): T & { stop(): void } {
  const scope = effectScope()
  const result = scope.run(use)!
  return { ...result, stop: () => scope.stop() }
}

/** A component that renders the hook's state, and the hook's return. */
function mounted(url: string, events: string[] = [], options: UseEventSourceOptions = {}) {
  let state!: ReturnType<typeof useEventSource>
  const Feed = defineComponent({
    setup() {
      state = useEventSource(url, events, options)
      return () => h('p', `${state.status.value} ${state.data.value ?? 'none'}`)
    },
  })
  const wrapper = mount(Feed)
  return { wrapper, state }
}

describe('useEventSource (Vue)', () => {
  it('opens one connection at mount, shares it between two components on one URL, and closes it once both unmount', async () => {
    const stream = newStream()
    const first = mounted(stream.url)
    const second = mounted(stream.url)
    await vi.waitFor(() => expect(first.state.status.value).toBe('OPEN'))
    await vi.waitFor(() => expect(second.state.status.value).toBe('OPEN'))
    stream.send('data: both\n\n')
    await vi.waitFor(() => expect(second.wrapper.text()).toBe('OPEN both'))
    expect(first.state.data.value).toBe('both')
    expect([stream.requests().length, stream.open()]).toEqual([1, 1])
    first.wrapper.unmount()
    await settle()
    expect(stream.open()).toBe(1)
    second.wrapper.unmount()
    await vi.waitFor(() => expect(stream.open()).toBe(0))
  })

  it('a bare effectScope opens at once and closes on stop()', async () => {
    const stream = newStream()
    const { status, stop } = inScope(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(status.value).toBe('OPEN'))
    stop()
    expect(status.value).toBe('CLOSED')
    await vi.waitFor(() => expect(stream.open()).toBe(0))
  })

  // vueuse #5625: a reconnect timer survived close().
  it('close() cancels a pending autoReconnect', async () => {
    const path = '/fatal'
    server().route(path, (_request, response) => response.writeHead(500).end())
    const { status, close, stop } = inScope(() => useEventSource(server().url(path), [], { autoReconnect: { delay: 100 } }))
    await vi.waitFor(() => expect(server().requestsTo(path)).toHaveLength(1))
    await vi.waitFor(() => expect(status.value).toBe('CLOSED'))
    close()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(server().requestsTo(path)).toHaveLength(1)
    stop()
  })

  it('autoReconnect opens again after a fatal error, up to its retries, then calls onFailed', async () => {
    const path = '/fatal-retried'
    server().route(path, (_request, response) => response.writeHead(500).end())
    const onFailed = vi.fn()
    const { stop } = inScope(() => useEventSource(server().url(path), [], { autoReconnect: { retries: 3, delay: 10, onFailed } }))
    await vi.waitFor(() => expect(onFailed).toHaveBeenCalledTimes(1))
    expect(server().requestsTo(path)).toHaveLength(3)
    stop()
  })

  it("autoReconnect counts the attempts since open(), not since the last connection's open", async () => {
    const path = '/answers-once'
    server().route(path, (_request, response) => response.writeHead(200, { 'Content-Type': 'text/event-stream' }).end('data: once\n\n'))
    const onFailed = vi.fn()
    const { stop } = inScope(() => useEventSource(server().url(path), [], { reconnectOnEnd: false, autoReconnect: { retries: 3, delay: 10, onFailed } }))
    await vi.waitFor(() => expect(onFailed).toHaveBeenCalledTimes(1))
    expect(server().requestsTo(path)).toHaveLength(3)
    stop()
  })

  it('turns CLOSED when the URL becomes null, or the signal aborts', async () => {
    const stream = newStream()
    const url = shallowRef<string | null>(stream.url)
    const controller = new AbortController()
    const byUrl = inScope(() => useEventSource(url))
    const bySignal = inScope(() => useEventSource(stream.url, [], { signal: controller.signal }))
    await vi.waitFor(() => expect([byUrl.status.value, bySignal.status.value]).toEqual(['OPEN', 'OPEN']))
    url.value = null
    await nextTick()
    controller.abort()
    expect([byUrl.status.value, bySignal.status.value, byUrl.eventSource.value, bySignal.eventSource.value]).toEqual(['CLOSED', 'CLOSED', null, null])
    await vi.waitFor(() => expect(stream.open()).toBe(0))
    byUrl.stop()
    bySignal.stop()
  })

  // vueuse #5596: events of a superseded connection overwrote the state.
  it('moves to a new URL and ignores what the old connection still sends', async () => {
    const [a, b] = [newStream(), newStream()]
    const url = shallowRef(a.url)
    const onMessage = vi.fn()
    const switcher = inScope(() => useEventSource(url, [], { onMessage }))
    // Another holder keeps the old connection open, so that its events go on arriving.
    const keeper = inScope(() => useEventSource(a.url))
    await vi.waitFor(() => expect(switcher.status.value).toBe('OPEN'))
    url.value = b.url
    await nextTick()
    await vi.waitFor(() => expect(switcher.status.value).toBe('OPEN'))
    a.send('data: late\n\n')
    await vi.waitFor(() => expect(keeper.data.value).toBe('late'))
    b.send('data: new\n\n')
    await vi.waitFor(() => expect(switcher.data.value).toBe('new'))
    expect(onMessage.mock.calls.map(([message]) => message.data)).toEqual(['new'])
    keeper.stop()
    switcher.stop()
    await vi.waitFor(() => expect([a.open(), b.open()]).toEqual([0, 0]))
  })

  // vueuse #3974: a burst within one tick reached watchers as its last event only.
  it('calls onMessage for each of 100 events that arrive at once, in order', async () => {
    const stream = newStream()
    const onMessage = vi.fn()
    const { status, lastEventId, stop } = inScope(() => useEventSource(stream.url, [], { onMessage }))
    await vi.waitFor(() => expect(status.value).toBe('OPEN'))
    const ids = Array.from({ length: 100 }, (_, index) => String(index))
    stream.send(ids.map((id) => `id: ${id}\ndata: ${id}\n\n`).join(''))
    await vi.waitFor(() => expect(onMessage).toHaveBeenCalledTimes(100))
    expect(onMessage.mock.calls.map(([message]) => message.data)).toEqual(ids)
    expect(lastEventId.value).toBe('99')
    stop()
  })

  // vueuse #4713: `data` and `event` were set one after the other, so a watcher saw them torn.
  it('sets lastEvent as one value, and event before data, so that no watcher sees them torn', async () => {
    const stream = newStream()
    const seen: string[] = []
    const { status, data, event, lastEvent, stop } = inScope(() => {
      const state = useEventSource(stream.url, ['notice'], { parse: (text) => text.toUpperCase() })
      watch(state.data, (value) => seen.push(`data ${state.event.value} ${value}`), { flush: 'sync' })
      watch(state.lastEvent, (value) => seen.push(`lastEvent ${value?.type} ${value?.data}`), { flush: 'sync' })
      return state
    })
    await vi.waitFor(() => expect(status.value).toBe('OPEN'))
    stream.send('event: notice\ndata: a\n\ndata: b\n\n')
    await vi.waitFor(() => expect(data.value).toBe('B'))
    expect(seen).toEqual(['lastEvent notice A', 'data notice A', 'lastEvent message B', 'data null B'])
    expect([event.value, lastEvent.value?.origin]).toEqual([null, server().origin])
    stop()
  })

  it('immediate: false opens nothing until open(); close() lets go of the connection', async () => {
    const stream = newStream()
    const { status, open, close, stop } = inScope(() => useEventSource(stream.url, [], { immediate: false }))
    await settle()
    expect([status.value, stream.requests().length]).toEqual(['CLOSED', 0])
    open()
    await vi.waitFor(() => expect(status.value).toBe('OPEN'))
    close()
    expect(status.value).toBe('CLOSED')
    await vi.waitFor(() => expect(stream.open()).toBe(0))
    stop()
  })

  it('sends the headers option, and the status of a fatal error', async () => {
    const path = '/forbidden'
    server().route(path, (_request, response) => response.writeHead(403).end())
    const { error, status, stop } = inScope(() => useEventSource(server().url(path), [], { headers: { authorization: 'Bearer t' } }))
    await vi.waitFor(() => expect(status.value).toBe('CLOSED'))
    expect(error.value?.status).toBe(403)
    expect(server().requestsTo(path)[0]!.headers.authorization).toBe('Bearer t')
    stop()
  })

  it('opens nothing when rendered on the server', async () => {
    const stream = newStream()
    const app = createSSRApp({
      setup() {
        const { status } = useEventSource(stream.url)
        return () => h('p', status.value)
      },
    })
    expect(await renderToString(app)).toBe('<p>CLOSED</p>')
    await settle()
    expect(stream.requests()).toHaveLength(0)
  })
})
