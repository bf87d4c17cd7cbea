/** A way to collect garbage from a test without starting Node with --expose-gc. */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Collects until the heap stops shrinking, then returns its size in bytes. */
export async function settledHeap(): Promise<number> {
  let previous = Infinity
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
    const used = process.memoryUsage().heapUsed
    if (used >= previous) return used
    previous = used
  }
  return previous
}

export { gc }
