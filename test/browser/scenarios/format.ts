/**
 * The stream format (WPT format-*): every parser fixture, served whole and dripped a few bytes at a
 * time, must give native's trace. The stream stays open, so only what the format says is compared.
 */
import { streamFixtures } from '../../fixtures/streams'
import { drip, streamText, type ScenarioTable } from './scenario'

const DRIP_LIMIT = 300

export const formatScenarios: ScenarioTable = () =>
  streamFixtures.flatMap((fixture) => {
    const types = [...new Set(fixture.events.map(([type]) => type).filter((type) => !['message', 'open', 'error'].includes(type)))]
    const plan = { types, stopAfter: 1 + fixture.events.length, settleMs: 50 }
    const expected = [['open', 1], ...fixture.events.map(([type, data, lastEventId]) => [type, 1, data, lastEventId])]
    const whole = { name: `format: ${fixture.name}`, handler: streamText(fixture.input), plan, expected }
    const bytes = new TextEncoder().encode(fixture.input)
    if (bytes.length > DRIP_LIMIT) return [whole]
    // The drip writes 3 bytes every 2 ms or more: wait for all of it before comparing.
    const dripPlan = { ...plan, settleMs: plan.settleMs + bytes.length }
    return [whole, { name: `format, 3 bytes at a time: ${fixture.name}`, handler: drip(bytes), plan: dripPlan, expected }]
  })
