/**
 * The layout's rules (../shared/DESIGN.md): no source file over 400 lines, and no import circles, so
 * that each module keeps one job and imports point one way.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SOURCES = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join('src', file))

/** The source files a module imports (type-only imports included: they tie the modules together too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((match) => {
    const target = join(dirname(file), match[1]!)
    return SOURCES.find((source) => source === `${target}.ts` || source === join(target, 'index.ts'))!
  })
}

/** One import circle, as the files along it, or undefined. */
function findCircle(): string[] | undefined {
  const done = new Set<string>()
  const visit = (file: string, path: string[]): string[] | undefined => {
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file]
    if (done.has(file)) return undefined
    for (const target of importsOf(file)) {
      const circle = visit(target, [...path, file])
      if (circle) return circle
    }
    done.add(file)
    return undefined
  }
  for (const file of SOURCES) {
    const circle = visit(file, [])
    if (circle) return circle.map((step) => relative('src', step))
  }
  return undefined
}

describe('source layout', () => {
  it('has no source file over 400 lines', () => {
    const long = SOURCES.map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length })).filter(({ lines }) => lines > 400)
    expect(long).toEqual([])
  })

  it('keeps React and Vue to their adapters, which reach the core by the package name only', () => {
    const packagesOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^.][^']*)'/gm)].map((match) => match[1]!)
    for (const file of SOURCES) {
      const adapter = /^src\/(react|vue)\//.exec(file)?.[0]
      if (adapter) expect(importsOf(file).filter((target) => !target.startsWith(adapter)), file).toEqual([])
      else expect(packagesOf(file).filter((name) => /^(react|vue)(\/|$)/.test(name)), file).toEqual([])
    }
    expect(packagesOf('src/react/index.ts')).toContain('sse-polyfill')
  })

  it('has no import circle', () => {
    expect(SOURCES.length).toBeGreaterThan(20)
    expect(findCircle()).toBeUndefined()
  })
})
