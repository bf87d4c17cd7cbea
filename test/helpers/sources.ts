/** Opens EventSources for one test file and closes every one after each test. */
import { afterEach } from 'vitest'
import { EventSource, type EventSourceOptions } from '../../src/index'

export function useSources(): (url: string, options?: EventSourceOptions) => EventSource {
  const sources: EventSource[] = []
  afterEach(() => sources.splice(0).forEach((source) => source.close()))
  return (url, options) => {
    const source = new EventSource(url, options)
    sources.push(source)
    return source
  }
}
