import { describe, expect, it } from 'vitest'
import { createMessageEvent, ServerSentEvent } from '../src/events'

describe('the MessageEvents an EventSource dispatches', () => {
  it('takes the init dictionary where MessageEvent is JavaScript (Node)', () => {
    const event = createMessageEvent('notification', 'hello', 'https://api.test', '7')
    expect(event).not.toBeInstanceOf(ServerSentEvent)
    expect(event).toMatchObject({ type: 'notification', data: 'hello', origin: 'https://api.test', lastEventId: '7' })
  })

  // Browsers build ServerSentEvents (the browser suite compares their fields with native's): here, its shape.
  it('ServerSentEvent is a MessageEvent with read-only data, origin and lastEventId', () => {
    const event = new ServerSentEvent('notification', 'hello', 'https://api.test', '7')
    expect(event).toBeInstanceOf(MessageEvent)
    // What user code reads, as of a native one (WPT eventsource-onmessage-realm).
    expect(event.constructor).toBe(MessageEvent)
    expect(event).toMatchObject({ type: 'notification', data: 'hello', origin: 'https://api.test', lastEventId: '7', ports: [], source: null, bubbles: false, cancelable: false })
    expect(() => Object.assign(event, { data: 'changed' })).toThrow(TypeError)
    expect(() => Object.assign(event, { origin: 'changed' })).toThrow(TypeError)
    expect(() => Object.assign(event, { lastEventId: 'changed' })).toThrow(TypeError)
    expect(Object.prototype.toString.call(event)).toBe(Object.prototype.toString.call(new MessageEvent('notification')))
  })
})
