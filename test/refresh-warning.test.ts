/**
 * [non-spec] refreshOnAuthError() without a headers function: options typed EventSourceOptions get past
 * the constructor's types, so the policy warns once, and retries as before.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventSourceOptions } from '../src/index'
import { backoff, refreshOnAuthError } from '../src/policies/index'
import { eventually, trace } from './helpers/events'
import { useSources } from './helpers/sources'
import { startServer, type TestServer } from './server/sse-server'

let server: TestServer
let warn: ReturnType<typeof vi.spyOn>

beforeAll(async () => {
  server = await startServer()
  server.route('/refused', (_request, response) => void response.writeHead(401).end())
})
afterAll(() => server.close())
beforeEach(() => void (warn = vi.spyOn(console, 'warn').mockImplementation(() => {})))
afterEach(() => warn.mockRestore())
const open = useSources()

describe('[non-spec] refreshOnAuthError() with static headers', () => {
  it('warns once, naming the fix, and still retries once with the same headers, then fails', async () => {
    const options: EventSourceOptions = { headers: { Authorization: 'Bearer stale' }, policies: [refreshOnAuthError()] }
    const events = trace(open(server.url('/refused'), options))
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]![0]).toMatch(/^EventSource: refreshOnAuthError\(\) needs a headers function/)
    await eventually(() => events.length === 1)
    expect(events[0]).toMatchObject({ type: 'error', readyState: 2, status: 401 })
    expect(server.requestsTo('/refused').map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer stale'])
    expect(warn).toHaveBeenCalledOnce()
  })

  it('warns with no headers at all, and not with a headers function or without the policy', () => {
    const none: EventSourceOptions = { policies: [refreshOnAuthError()] }
    open(server.url('/refused'), none)
    expect(warn).toHaveBeenCalledOnce()
    open(server.url('/refused'), { headers: () => ({ Authorization: 'Bearer fresh' }), policies: [refreshOnAuthError()] })
    open(server.url('/refused'), { headers: { Authorization: 'Bearer x' }, policies: [backoff()] })
    expect(warn).toHaveBeenCalledOnce()
  })
})
