/**
 * What an import costs an app: the import bundled and minified by esbuild, then gzip -9. Used by the
 * size budget (test/size.test.ts) and the size benchmark (test/bench/size.ts).
 */
import { gzipSync } from 'node:zlib'
import { build, type Platform } from 'esbuild'

/** Bytes after gzip -9. */
export function gzipSize(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).length
}

/**
 * `code` is the app (it imports by package name, resolved from the package root through exports maps
 * as the platform's bundlers resolve them); returns its bundle's size, minified, after gzip -9, less
 * the `external` packages (an app's own React).
 */
export async function bundledSize(code: string, platform: Platform = 'browser', external: string[] = []): Promise<number> {
  const result = await build({
    external,
    stdin: { contents: code, resolveDir: process.cwd() },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
    logLevel: 'silent',
    // An app's own settings, not this repository's (whose `paths` map the package's name to src).
    tsconfigRaw: {},
  })
  return gzipSize(result.outputFiles[0]!.contents)
}
