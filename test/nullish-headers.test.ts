/** [non-spec] Header values that are null or undefined (a token not stored yet) send no header. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readHeaders } from '../src/connection/request'
import { eventually } from './helpers/events'
import { useSources } from './helpers/sources'
import { startServer, startStream, type TestServer } from './server/sse-server'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
  server.route('/headers', (_request, response) => startStream(response))
})
afterAll(() => server.close())
const open = useSources()

describe('[non-spec] nullish header values', () => {
  it('are left out of the headers, while an empty string stays a value, as in Headers', () => {
    const headers = readHeaders({ Authorization: null, 'X-Tenant': undefined, 'X-Empty': '', 'X-A': '1' })
    expect(headers instanceof Headers && [...headers]).toEqual([['x-a', '1'], ['x-empty', '']])
    expect(new Headers({ 'X-Empty': '' }).get('x-empty')).toBe('')
  })

  it('send no header, from an object or a headers function, and an empty one is sent empty', async () => {
    const token: string | null = null
    open(server.url('/headers?object'), { headers: { Authorization: token, 'X-Tenant': undefined, 'X-Empty': '' } })
    open(server.url('/headers?function'), { headers: async () => ({ Authorization: token, 'X-Empty': '' }) })
    await eventually(() => server.requestsTo('/headers').length === 2)
    for (const { headers } of server.requestsTo('/headers')) {
      expect(headers).not.toHaveProperty('authorization')
      expect(headers).not.toHaveProperty('x-tenant')
      expect(headers['x-empty']).toBe('')
    }
  })
})
