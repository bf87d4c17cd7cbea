/**
 * `sse-polyfill/react` on the sources, with React 19 under StrictMode (which mounts every effect twice)
 * and a loopback server that counts the streams open at each moment.
 */
import { act, cleanup, configure, renderHook } from '@testing-library/react'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useEventSource, type UseEventSourceOptions } from '../../src/react'
import { countedStreams } from '../helpers/counted-streams'

configure({ reactStrictMode: true })

const { newStream, server: streamServer } = countedStreams()
afterEach(cleanup)

/** Lets the deferred close (a macrotask) and the server's view of it happen. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)))

describe('useEventSource (React, StrictMode)', () => {
  it('opens one connection on mount, though StrictMode mounts twice, and none once unmounted', async () => {
    const stream = newStream()
    const { result, unmount } = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    await settle()
    expect(stream.requests()).toHaveLength(1)
    expect(stream.open()).toBe(1)
    unmount()
    await vi.waitFor(() => expect(stream.open()).toBe(0))
  })

  it('reuses the open connection when a component unmounts and mounts again in one task (a hot reload)', async () => {
    const stream = newStream()
    const first = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(first.result.current.readyState).toBe(1))
    first.unmount()
    const second = renderHook(() => useEventSource(stream.url))
    expect(second.result.current.readyState).toBe(1)
    await settle()
    expect(stream.requests()).toHaveLength(1)
    expect(stream.open()).toBe(1)
  })

  it('shares one connection between two components on one URL', async () => {
    const stream = newStream()
    const first = renderHook(() => useEventSource(stream.url))
    const second = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(first.result.current.readyState).toBe(1))
    await vi.waitFor(() => expect(second.result.current.readyState).toBe(1))
    await act(async () => stream.send('data: both\n\n'))
    await vi.waitFor(() => expect(second.result.current.lastEvent?.data).toBe('both'))
    expect(first.result.current.lastEvent?.data).toBe('both')
    expect(stream.requests()).toHaveLength(1)
    // One leaves: the other keeps the connection.
    first.unmount()
    await settle()
    expect(stream.open()).toBe(1)
    await act(async () => stream.send('data: still\n\n'))
    await vi.waitFor(() => expect(second.result.current.lastEvent?.data).toBe('still'))
  })

  it('moves to the new URL, closes the old connection, and ignores what the old one still sends', async () => {
    const [a, b] = [newStream(), newStream()]
    const onMessage = vi.fn()
    const { result, rerender, unmount } = renderHook(({ url }) => useEventSource(url, { onMessage }), { initialProps: { url: a.url } })
    // Another component keeps the old connection open, so that its events go on arriving.
    const keeper = renderHook(() => useEventSource(a.url))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    rerender({ url: b.url })
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    await act(async () => a.send('data: late\n\n'))
    await vi.waitFor(() => expect(keeper.result.current.lastEvent?.data).toBe('late'))
    await act(async () => b.send('data: new\n\n'))
    await vi.waitFor(() => expect(result.current.lastEvent?.data).toBe('new'))
    expect(onMessage.mock.calls.map(([message]) => message.data)).toEqual(['new'])
    // Once no component is on it, the old connection closes.
    keeper.unmount()
    await settle()
    expect([a.open(), b.open()]).toEqual([0, 1])
    unmount()
  })

  it('calls onMessage for each of 100 events that arrive at once, in order', async () => {
    const stream = newStream()
    const onMessage = vi.fn()
    const { result } = renderHook(() => useEventSource(stream.url, { onMessage }))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    const ids = Array.from({ length: 100 }, (_, index) => String(index))
    await act(async () => stream.send(ids.map((id) => `id: ${id}\ndata: ${id}\n\n`).join('')))
    await vi.waitFor(() => expect(onMessage).toHaveBeenCalledTimes(100))
    expect(onMessage.mock.calls.map(([message]) => message.data)).toEqual(ids)
    expect(result.current.lastEvent).toEqual({ type: 'message', data: '99', lastEventId: '99', origin: streamServer().origin })
    expect(result.current.lastEventId).toBe('99')
  })

  it('does not reconnect when callbacks or headers change identity on every render; the next connect takes the new headers', async () => {
    const stream = newStream()
    const { result, rerender } = renderHook(({ token }) => useEventSource(stream.url, { headers: { authorization: token }, onMessage: () => {}, onError: () => {} }), { initialProps: { token: 'one' } })
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    for (let render = 0; render < 5; render++) rerender({ token: 'two' })
    await settle()
    expect(stream.requests()).toHaveLength(1)
    // The server ends the stream: the reconnect sends the token of the last render.
    act(() => streamServer().dropConnections())
    await vi.waitFor(() => expect(stream.requests()).toHaveLength(2))
    expect(stream.requests().map((request) => request.headers.authorization)).toEqual(['one', 'two'])
  })

  it('receives the named events asked for, with parse', async () => {
    const stream = newStream()
    const options: UseEventSourceOptions<{ n: number }> = { events: ['notification'], parse: (data) => JSON.parse(data) as { n: number } }
    const { result } = renderHook(() => useEventSource(stream.url, options))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    await act(async () => stream.send('event: other\ndata: {"n":0}\n\nevent: notification\ndata: {"n":1}\n\n'))
    await vi.waitFor(() => expect(result.current.lastEvent).toMatchObject({ type: 'notification', data: { n: 1 } }))
  })

  it('close() lets go of the connection until reconnect()', async () => {
    const stream = newStream()
    const { result } = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    act(() => result.current.close())
    expect(result.current.readyState).toBe(2)
    await settle()
    expect(stream.open()).toBe(0)
    act(() => result.current.reconnect())
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    expect(stream.requests()).toHaveLength(2)
  })

  it('reports a fatal error as CLOSED with the status', async () => {
    const path = '/missing'
    streamServer().route(path, (_request, response) => response.writeHead(404).end())
    const onError = vi.fn()
    const { result } = renderHook(() => useEventSource(streamServer().url(path), { onError }))
    await vi.waitFor(() => expect(result.current.readyState).toBe(2))
    expect(result.current.error?.status).toBe(404)
    expect(onError).toHaveBeenCalledTimes(1)
  })

  it('takes a body made anew on every render when it connects, without moving to another connection', async () => {
    const stream = newStream()
    const { result, rerender } = renderHook(() => useEventSource(stream.url, { method: 'POST', body: new URLSearchParams({ q: 'x' }) }))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    for (let render = 0; render < 5; render++) rerender()
    await settle()
    expect(stream.requests().map((request) => request.method)).toEqual(['POST'])
  })

  it('calls onOpen for a component that joins a connection already open', async () => {
    const stream = newStream()
    const first = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(first.result.current.readyState).toBe(1))
    const onOpen = vi.fn()
    renderHook(() => useEventSource(stream.url, { onOpen }))
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalled())
  })

  it('closes when its signal aborts', async () => {
    const stream = newStream()
    const controller = new AbortController()
    const { result } = renderHook(() => useEventSource(stream.url, { signal: controller.signal }))
    await vi.waitFor(() => expect(result.current.readyState).toBe(1))
    act(() => controller.abort())
    expect(result.current.readyState).toBe(2)
    await vi.waitFor(() => expect(stream.open()).toBe(0))
  })

  it("keeps delivering to the other components when one's parse throws", async () => {
    const stream = newStream()
    // Reported as a listener's exception is (reportError), which would fail the test run.
    const reported = vi.fn()
    vi.stubGlobal('reportError', reported)
    const failing = renderHook(() => useEventSource(stream.url, { parse: (data) => JSON.parse(data) as unknown }))
    const plain = renderHook(() => useEventSource(stream.url))
    await vi.waitFor(() => expect(plain.result.current.readyState).toBe(1))
    await act(async () => stream.send('data: not json\n\n'))
    await vi.waitFor(() => expect(plain.result.current.lastEvent?.data).toBe('not json'))
    expect(failing.result.current.lastEvent).toBe(null)
    expect(reported).toHaveBeenCalledWith(expect.any(SyntaxError))
    vi.unstubAllGlobals()
  })

  it('opens nothing while url is null', async () => {
    const { result } = renderHook(() => useEventSource(null))
    await settle()
    expect(result.current.readyState).toBe(2)
  })

  it('opens nothing when rendered on the server', async () => {
    const stream = newStream()
    function Feed() {
      const { readyState, lastEvent } = useEventSource(stream.url)
      return createElement('p', null, `${readyState} ${lastEvent?.data ?? 'none'}`)
    }
    expect(renderToString(createElement(Feed))).toBe('<p>0 none</p>')
    await settle()
    expect(stream.requests()).toHaveLength(0)
  })
})
