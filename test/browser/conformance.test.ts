/** The side-by-side conformance suite (conformance-suite.ts) in Chromium. */
import { conformanceSuite } from './conformance-suite'

await conformanceSuite('chromium')
