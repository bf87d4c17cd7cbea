/** The side-by-side conformance suite (conformance-suite.ts) in Firefox. */
import { conformanceSuite } from './conformance-suite'

await conformanceSuite('firefox')
