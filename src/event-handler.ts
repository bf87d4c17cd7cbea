/**
 * `onopen`, `onmessage` and `onerror` as the HTML spec's event handler attributes: the first non-null
 * value adds one listener; later values only swap the callback, so it keeps its place among the
 * listeners; null removes the listener (a later value is then added at the end).
 *
 * @see https://html.spec.whatwg.org/multipage/webappapis.html#event-handler-attributes
 */
export interface EventHandlerSlot {
  handler: ((event: Event) => unknown) | null
  listener: ((event: Event) => void) | null
}

export function emptySlot(): EventHandlerSlot {
  return { handler: null, listener: null }
}

export function setEventHandler(target: EventTarget, type: string, slot: EventHandlerSlot, value: unknown): void {
  slot.handler = typeof value === 'function' ? (value as EventHandlerSlot['handler']) : null
  if (slot.handler === null) {
    if (slot.listener !== null) target.removeEventListener(type, slot.listener)
    slot.listener = null
  } else if (slot.listener === null) {
    slot.listener = (event) => void slot.handler?.call(target, event)
    target.addEventListener(type, slot.listener)
  }
}
