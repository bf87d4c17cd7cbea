/** Ways to cut the same input into pieces, so each test checks that splitting changes nothing. */

/** A small seeded PRNG (mulberry32): the same seed gives the same splits on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function splitEvery<T extends string | Uint8Array>(input: T, size: number): T[] {
  const pieces: T[] = []
  for (let start = 0; start < input.length; start += size) pieces.push(input.slice(start, start + size) as T)
  return pieces
}

export function splitRandomly<T extends string | Uint8Array>(input: T, seed: number): T[] {
  const random = seededRandom(seed)
  const pieces: T[] = []
  let start = 0
  while (start < input.length) {
    const size = 1 + Math.floor(random() * 8)
    pieces.push(input.slice(start, start + size) as T)
    start += size
  }
  return pieces
}

/** Whole, one unit at a time, and at seeded random points: the three feeds every fixture gets. */
export function chunkings<T extends string | Uint8Array>(input: T): Array<[name: string, pieces: T[]]> {
  return [
    ['whole', [input]],
    ['one at a time', splitEvery(input, 1)],
    ['random splits (seed 1)', splitRandomly(input, 1)],
    ['random splits (seed 42)', splitRandomly(input, 42)],
  ]
}
