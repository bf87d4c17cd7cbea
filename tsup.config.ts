import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // The npm package: ESM and CJS, each with its own type declarations.
    entry: { index: 'src/index.ts', auto: 'src/auto.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'es2022',
    clean: true,
    sourcemap: true,
  },
  {
    // The script-tag build: a minified browser global (IIFE) that defines window.SSEPolyfill.
    entry: { 'sse-polyfill': 'src/global.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.global.js' }),
    minify: true,
    target: 'es2022',
    sourcemap: true,
  },
])
