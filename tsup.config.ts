import { copyFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'
import { defineConfig } from 'tsup'

/**
 * Browser builds take `redirects.browser.ts` in place of `redirects.ts`: pages and workers never follow
 * redirects by hand, so that code would only weigh on every page that loads the library.
 */
const browserModules: Plugin = {
  name: 'browser-modules',
  setup(build) {
    build.onResolve({ filter: /\/redirects$/ }, (args) => ({ path: `${args.resolveDir}/${args.path}.browser.ts` }))
  },
}

/**
 * The React Native and script-tag builds keep every feature: where fetch cannot stream, their default
 * transport is XMLHttpRequest (`default.full.ts` in place of `default.ts`).
 */
const fullDefaults: Plugin = {
  name: 'full-defaults',
  setup(build) {
    build.onResolve({ filter: /\/default$/ }, (args) => ({ path: `${args.resolveDir}/${args.path}.full.ts` }))
  },
}

const entry = { index: 'src/index.ts', auto: 'src/auto.ts', xhr: 'src/xhr.ts', policies: 'src/policies/index.ts', shared: 'src/shared/index.ts' }

export default defineConfig([
  {
    // The npm package: ESM and CJS, each with its own type declarations; plus the script tag's globals
    // (`sse-polyfill/global`), types only, sharing the classes' declarations.
    entry,
    format: ['esm', 'cjs'],
    dts: { entry: { ...entry, global: 'src/global-types.ts' } },
    target: 'es2022',
    sourcemap: true,
  },
  {
    // The same for bundlers that target browsers (the exports map's "browser" condition).
    entry,
    outDir: 'dist/browser',
    format: ['esm', 'cjs'],
    target: 'es2022',
    sourcemap: true,
    esbuildPlugins: [browserModules],
  },
  {
    // The same for React Native (the exports map's "react-native" condition), which lacks EventTarget,
    // Event and MessageEvent: those names are bound to the platform's where it has them, else to
    // minimal ones (see src/react-native/dom-events.ts).
    entry,
    outDir: 'dist/react-native',
    format: ['esm', 'cjs'],
    target: 'es2022',
    sourcemap: true,
    inject: ['src/react-native/dom-events.ts'],
    esbuildPlugins: [fullDefaults],
  },
  {
    // The framework adapters: one build for every platform, since they import the core by the package's
    // name (external), which the app's resolver maps to the build for its platform; so an app holds one
    // core, and one registry, whichever entries it imports.
    entry: { react: 'src/react/index.ts', vue: 'src/vue/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'es2022',
    sourcemap: true,
    external: ['sse-polyfill', 'react', 'vue'],
  },
  {
    // The script-tag build: a minified browser global (IIFE) that defines window.SSEPolyfill.
    entry: { 'sse-polyfill': 'src/global.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.global.js' }),
    minify: true,
    target: 'es2022',
    sourcemap: true,
    esbuildPlugins: [browserModules, fullDefaults],
    // The same bytes as `sse-polyfill/global`: a script is valid CommonJS, and `.cjs` keeps Node and
    // TypeScript from taking it for an ES module in this "type": "module" package. The `.js` stays the
    // script tag's URL (CDNs serve `.cjs` with a type browsers refuse under nosniff).
    onSuccess: () => copyFile('dist/sse-polyfill.global.js', 'dist/global.cjs'),
  },
])
