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
 * as the platform's bundlers resolve them); returns its bundle's size, minified, after gzip -9.
 */
export async function bundledSize(code: string, platform: Platform = 'browser'): Promise<number> {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd() },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
    logLevel: 'silent',
  })
  return gzipSize(result.outputFiles[0]!.contents)
}
