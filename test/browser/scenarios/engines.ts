/**
 * Where Firefox or WebKit departs from the spec, scenario by scenario (the README's engine table lists
 * the same). The scenarios' expected traces are the spec's, as Chromium gives them, or their
 * `difference` where Chromium contradicts the spec. In another engine, native must give them unless
 * listed here; a listed trace is asserted too, so that the list cannot go stale when an engine changes.
 */
import type { Engine } from '../drivers'
import type { Summary } from './scenario'

export interface EngineDeviation {
  reason: string
  /** Native's trace, where it is not the spec's. */
  native?: Summary[]
  /**
   * Ours: the spec's trace (absent); native's, where the difference lies in the engine's network stack,
   * which ours goes through too; or a trace of its own, where the engine's fetch keeps ours from the spec.
   */
  ours?: 'same as native' | Summary[]
  /** Ours over XHR, where the engine's XHR sets it apart from ours over fetch. */
  oursOverXhr?: 'same as native' | Summary[]
  /** Ours gives the spec's trace, but its requests are not the spec's (what the server saw is not checked). */
  oursRequestsDiffer?: true
}

const NUL_DROPPED: EngineDeviation = { reason: 'Firefox drops U+0000 from data; the spec keeps every character of the value', native: [['open', 1], ['message', 1, 'ab', '']] }
const NUL_ID_STOPS: EngineDeviation = { reason: 'Firefox dispatches nothing more after an id with U+0000; the spec ignores that field and goes on', native: [['open', 1], ['message', 1, 'a', '1']] }
const ID_ONLY_IGNORED: EngineDeviation = { reason: 'Firefox ignores an id in a block without data; the spec sets the last event ID at every blank line', native: [['open', 1], ['message', 1, 'x', '']] }
const ID_ONLY_NOT_SENT = (engine: string): EngineDeviation => ({
  reason: `${engine} ignores an id in a block without data, so its reconnect sends none; the spec sets the last event ID at every blank line`,
  native: [['open', 1], ['error', 0], ['open', 1], ['message', 1, 'again', '']],
})
const DATA_URL_REFUSED = (engine: string): EngineDeviation => ({ reason: `${engine} refuses a data: URL; the spec fetches it as any other`, native: [['error', 2]] })

export const ENGINE_DEVIATIONS: Record<Exclude<Engine, 'chromium'>, Record<string, EngineDeviation>> = {
  firefox: {
    'format: NUL in data is kept (format-null-character)': NUL_DROPPED,
    'format, 3 bytes at a time: NUL in data is kept (format-null-character)': NUL_DROPPED,
    'decoding: NUL bytes are kept in data': NUL_DROPPED,
    'decoding, 1 byte at a time: NUL bytes are kept in data': NUL_DROPPED,
    'format: an id with NUL is ignored (format-field-id-null)': NUL_ID_STOPS,
    'format, 3 bytes at a time: an id with NUL is ignored (format-field-id-null)': NUL_ID_STOPS,
    'an id with NUL is ignored (format-field-id-null)': { ...NUL_ID_STOPS, native: [['open', 1], ['message', 1, 'a', '1'], ['error', 0], ['open', 1], ['message', 1, 'again', '1']] },
    'format: an id-only block still sets lastEventId': ID_ONLY_IGNORED,
    'format, 3 bytes at a time: an id-only block still sets lastEventId': ID_ONLY_IGNORED,
    'an id-only block sets the Last-Event-ID of the reconnect': ID_ONLY_NOT_SENT('Firefox'),
    'a data: URL streams, with origin "null", then reconnects at its end': DATA_URL_REFUSED('Firefox'),
    'reconnects go to the URL the redirect led to, not the original (the request keeps its URL list)': {
      reason: "Firefox reconnects to the URL first given; the spec fetches the request again, whose URL list ends at the redirect's target",
    },
    'the connection is reset before any response: error with CONNECTING, then a reconnect': {
      reason: "Firefox's network stack sends a GET again, unseen, when its connection is reset before any response",
      native: [['open', 1], ['message', 1, 'second try', '']],
      ours: 'same as native',
    },
    'a cross-origin server that drops the connection before answering: error and CONNECTING': {
      reason: 'Firefox fails the connection (as for a CORS refusal); the spec reestablishes it after a network error',
      native: [['error', 2]],
    },
  },
  webkit: {
    'decoding, 1 byte at a time: a leading BOM is dropped (format-bom)': {
      reason: "WebKit loses the first event when the BOM arrives over several reads (its XHR's decoder too)",
      native: [['open', 1]],
      oursOverXhr: 'same as native',
    },
    'decoding, 1 byte at a time: a UTF-16 BOM is not honoured: it decodes to U+FFFD and spoils the first line only (format-bom-utf-16)': {
      reason: "WebKit's XHR does not switch to UTF-16 on a BOM that arrives over several reads, so ours over XHR follows the spec there",
      oursOverXhr: [['open', 1], ['message', 1, '2', '']],
    },
    'decoding: a UTF-16 BOM is not honoured: it decodes to U+FFFD and spoils the first line only (format-bom-utf-16)': {
      reason: 'WebKit decodes a stream that starts with a UTF-16 BOM as UTF-16 when the BOM comes in one read; the spec always decodes UTF-8',
      native: [['open', 1]],
    },
    'an id-only block sets the Last-Event-ID of the reconnect': ID_ONLY_NOT_SENT('WebKit'),
    'reconnects go to the URL the redirect led to, not the original (the request keeps its URL list)': {
      reason: "WebKit reconnects to the URL first given; the spec fetches the request again, whose URL list ends at the redirect's target",
    },
    'a non-ASCII id is sent back as UTF-8 (format-field-id)': {
      reason:
        "WebKit's fetch and XHR send a header's characters U+0080 to U+00FF as UTF-8 (and refuse higher ones), so ours cannot send an id's UTF-8 bytes as native does: the server gets them encoded twice",
      oursRequestsDiffer: true,
    },
    'a data: URL streams, with origin "null", then reconnects at its end': DATA_URL_REFUSED('WebKit'),
    'window.stop() aborts the stream: error and CLOSED, no reconnect (eventsource-request-cancellation)': {
      reason: 'WebKit does not end an EventSource on window.stop(); the spec fails the connection that the user aborts',
      native: [['open', 1], ['message', 1, '1', '']],
    },
  },
}
