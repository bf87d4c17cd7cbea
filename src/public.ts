/**
 * The EventSource as the package exports it. At run time, the class itself (`export *` below). To
 * TypeScript, an interface of the class's public members and a constructor that makes one, which shadow
 * the class's own types (a module's own export wins over a star export of the same name, in TypeScript
 * as in ES modules). The class's private fields make its type nominal, so a structural copy of it, as
 * Vue's `ref()` and `reactive()` hold (`UnwrapRef`), would not be an EventSource; the interface is
 * structural. A `const` typed so would do as well, and add bytes to every bundle.
 */
import type { EventSource as EventSourceClass, NamedEvents } from './event-source'
import type { CheckedOptions } from './options'

export * from './event-source'

/** The public members of a class instance: `keyof` leaves out private names (`#url`…). */
type PublicMembers<T> = { [K in keyof T]: T[K] }

/** The class's public members (its listeners' `this` is the class, which is one). */
export interface EventSource<Events extends NamedEvents<Events> = {}> extends PublicMembers<EventSourceClass<Events>> {}

export interface EventSourceConstructor extends Omit<typeof EventSourceClass, 'prototype' | 'fromReadableStream'> {
  new <Events extends NamedEvents<Events> = {}>(url: string | URL, options?: CheckedOptions | null): EventSource<Events>
  readonly prototype: EventSource
  fromReadableStream(stream: ReadableStream<Uint8Array>): EventSource
}

export declare const EventSource: EventSourceConstructor
