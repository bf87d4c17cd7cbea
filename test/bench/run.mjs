// npm run bench [-- size node browser firefox]: Node 20 cannot run TypeScript, so each benchmark entry
// is bundled with esbuild (packages stay external, loaded from node_modules as users load them) and then
// run with --expose-gc, from the package root. Targets come from the arguments, else BENCH_TARGETS
// (comma separated), else size, node and browser (Chromium); firefox is the browser benchmark in
// Firefox, run only when asked for.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))
const entries = { size: 'test/bench/size.ts', node: 'test/bench/node.ts', browser: 'test/bench/browser.ts', firefox: 'test/bench/browser.ts' }
const defaults = ['size', 'node', 'browser']
// Targets that run an entry with an environment of their own.
const environments = { firefox: { BENCH_BROWSER: 'firefox' } }

const args = process.argv.slice(2)
const targets = args.length > 0 ? args : (process.env.BENCH_TARGETS?.split(',').filter(Boolean) ?? defaults)
const unknown = targets.filter((target) => !(target in entries))
if (unknown.length > 0) {
  console.error(`Unknown benchmark target: ${unknown.join(', ')} (known: ${Object.keys(entries).join(', ')})`)
  process.exit(2)
}

for (const target of targets) {
  const outfile = join(root, 'node_modules/.cache/sse-polyfill-bench', `${target}.mjs`)
  await build({
    entryPoints: [join(root, entries[target])],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    logLevel: 'warning',
  })
  const env = { ...process.env, ...environments[target] }
  const { status, signal } = spawnSync(process.execPath, ['--expose-gc', outfile], { cwd: root, stdio: 'inherit', env })
  if (status !== 0) {
    console.error(`The ${target} benchmark failed (${signal ?? `exit code ${status}`})`)
    process.exit(status || 1)
  }
}
