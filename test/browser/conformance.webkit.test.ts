/** The side-by-side conformance suite (conformance-suite.ts) in WebKit. */
import { conformanceSuite } from './conformance-suite'

await conformanceSuite('webkit')
