/**
 * The size benchmark (`npm run bench -- size`): what importing each client costs a browser app, bundled
 * and minified by esbuild from the installed packages, then gzip -9. The budget that CI enforces on
 * ours is in test/size.test.ts.
 */
import { readFileSync } from 'node:fs'
import { bundledSize, gzipSize } from '../helpers/bundle-size'

/** Each library as its users import it, kept alive so nothing is tree-shaken away. */
const APPS: { name: string; code: string; platform?: 'node' }[] = [
  { name: 'sse-polyfill', code: "import { EventSource } from 'sse-polyfill'\nglobalThis.x = EventSource" },
  { name: 'sse-polyfill, bundled for Node', code: "import { EventSource } from 'sse-polyfill'\nglobalThis.x = EventSource", platform: 'node' },
  { name: 'eventsource', code: "import { EventSource } from 'eventsource'\nglobalThis.x = EventSource" },
  { name: 'event-source-polyfill', code: "import { EventSourcePolyfill } from 'event-source-polyfill'\nglobalThis.x = EventSourcePolyfill" },
  { name: '@microsoft/fetch-event-source (callbacks, no EventSource)', code: "import { fetchEventSource } from '@microsoft/fetch-event-source'\nglobalThis.x = fetchEventSource" },
]

const version = (name: string) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version
const own = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

console.log(`# sse-polyfill benchmark: size\n\n${new Date().toISOString().slice(0, 10)}, esbuild ${version('esbuild')} (--bundle --minify, ESM), gzip -9.\n`)
console.log('| import | version | bytes, gzip -9 |\n| --- | --- | ---: |')
for (const app of APPS) {
  const pkg = app.name.split(/[ ,]/)[0]!
  const size = await bundledSize(app.code, app.platform)
  console.log(`| ${app.name} | ${pkg === 'sse-polyfill' ? own : version(pkg)} | ${size.toLocaleString('en-US')} |`)
}
console.log(`| sse-polyfill script tag (dist/sse-polyfill.global.js) | ${own} | ${gzipSize(readFileSync('dist/sse-polyfill.global.js')).toLocaleString('en-US')} |`)
