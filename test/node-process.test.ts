/**
 * A Node process whose only work is a subscription (a CLI tail, a worker consuming events): a source
 * waiting to reconnect keeps it alive, as a live subscription should (undici's and eventsource 5's
 * EventSource unref that timer, so such a process exits at the first server restart), and close()
 * leaves no timer, so it then exits on its own. Runs the built package (`npm test` builds first).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { expect, it, onTestFinished } from 'vitest'

// The server answers one request with an event and `retry: 4000`, ends the response and its
// connection, and stops listening: after the error event, the reconnect timer is all that is left.
// An unref'd timer checks 500 ms into the wait (it cannot keep the process alive itself), then
// closes the source. A timer left by close() would keep the process 3.5 s longer.
const CHILD = `
  import { createServer } from 'node:http'
  import { EventSource } from 'sse-polyfill'
  const server = createServer((request, response) => {
    server.close()
    response.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'close' })
    response.end('retry: 4000\\ndata: hello\\n\\n')
  })
  server.listen(0, '127.0.0.1', () => {
    const source = new EventSource('http://127.0.0.1:' + server.address().port + '/')
    source.onmessage = (event) => console.log('message ' + event.data)
    source.onerror = () => {
      console.log('waiting, readyState ' + source.readyState)
      setTimeout(() => {
        console.log('alive 500 ms into the wait')
        source.close()
        console.log('closed')
      }, 500).unref()
    }
  })`

it('a source waiting to reconnect keeps Node alive; after close() the process exits at once', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] })
  onTestFinished(() => void child.kill())
  let output = ''
  let closedAt = 0
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    output += chunk
    if (!closedAt && output.includes('closed\n')) closedAt = performance.now()
  })
  // 'close' rather than 'exit': it comes after the last of stdout.
  const [code] = (await once(child, 'close')) as [number | null]
  const exitedAfter = performance.now() - closedAt
  expect(output).toBe('message hello\nwaiting, readyState 0\nalive 500 ms into the wait\nclosed\n')
  expect(code).toBe(0)
  // Loosely: the 4 s reconnect timer, had close() left it, would hold the process about 3.5 s more.
  expect(exitedAfter).toBeLessThan(2000)
})
