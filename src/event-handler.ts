/**
 * `onopen`, `onmessage` and `onerror` as the HTML spec's event handler attributes: the first non-null
 * value adds a listener; later values only swap the callback, so it keeps its place among the
 * listeners; null removes the listener (a later value is then added at the end).
 *
 * @see https://html.spec.whatwg.org/multipage/webappapis.html#event-handler-attributes
 */
export interface EventHandlers {
  get(type: string): EventHandlerCallback | null
  set(type: string, value: unknown): void
}

type EventHandlerCallback = (event: Event) => unknown

export function createEventHandlers(target: EventTarget): EventHandlers {
  const handlers: Record<string, EventHandlerCallback | null> = {}
  // One listener for all types: adding it again for a type does nothing, which keeps its place.
  const listener = (event: Event): void => void handlers[event.type]?.call(target, event)
  return {
    get: (type) => handlers[type] ?? null,
    set(type, value) {
      const handler = (handlers[type] = typeof value === 'function' ? (value as EventHandlerCallback) : null)
      if (handler) target.addEventListener(type, listener)
      else target.removeEventListener(type, listener)
    },
  }
}
