/** UTF-8 decoding (WPT format-bom*, format-utf-8): bytes, whole and dripped, and charset parameters. */
import { byteCases, bytes } from '../../fixtures/bytes'
import { drip, streamText, type Difference, type Scenario, type ScenarioTable } from './scenario'

const xhrHonoursUtf16Bom: Difference = {
  kind: 'known difference',
  transport: 'xhr',
  reason: "XHR's decoder switches to UTF-16 on a UTF-16 BOM, whatever overrideMimeType says, and the bytes are out of reach: no line ends",
  polyfill: [['open', 1]],
}

export const decodingScenarios: ScenarioTable = () => [
  ...byteCases.flatMap(([name, input, data], index): Scenario[] => {
    const plan = { stopAfter: 1 + data.length, settleMs: 50 }
    const expected = [['open', 1], ...data.map((text) => ['message', 1, text, ''])]
    const difference = name.includes('UTF-16 BOM') ? xhrHonoursUtf16Bom : undefined
    return [
      { name: `decoding: ${name}`, handler: streamText(input), plan, expected, difference },
      { name: `decoding, 1 byte at a time: ${name}`, handler: drip(input, 1), plan: { ...plan, settleMs: 50 + 3 * input.length }, expected, difference, worker: index === 0 },
    ]
  }),
  ...['utf-8', 'UTF-8', '"utf-8"'].map((charset) => ({
    name: `decoding: charset=${charset} is accepted, the stream is UTF-8`,
    handler: streamText(bytes('data: \u00e9\u20ac\u2603\n\n'), { 'Content-Type': `text/event-stream; charset=${charset}` }),
    plan: { stopAfter: 2, settleMs: 50 },
    expected: [['open', 1], ['message', 1, '\u00e9\u20ac\u2603', '']],
  })),
  ...['windows-1252', 'iso-8859-1', 'utf-16', 'bogus'].map(
    (charset): Scenario => ({
      name: `decoding: charset=${charset} is ignored, the stream is UTF-8 (format-utf-8)`,
      handler: streamText(bytes('data: \u00e9\u20ac\u2603\n\n'), { 'Content-Type': `text/event-stream; charset=${charset}` }),
      plan: { stopAfter: 2, settleMs: 300 },
      expected: [['error', 2]],
      difference: {
        kind: 'chromium contradicts the spec',
        reason: 'Chromium fails the connection for a charset other than UTF-8; the spec always decodes UTF-8 and fails only on status and MIME type',
        polyfill: [['open', 1], ['message', 1, '\u00e9\u20ac\u2603', '']],
      },
    }),
  ),
]
