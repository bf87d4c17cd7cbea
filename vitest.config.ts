import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The adapters (src/react, src/vue) import the core by the package's name; tests run them on the sources.
  resolve: { alias: [{ find: /^sse-polyfill$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    // Three at once: the browser suites (one file per engine) spend their time waiting on reconnects.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        // Fast unit and loopback tests in plain Node (no DOM globals), and the compile-only type tests.
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/dom/**', 'test/browser/**'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        // What touches DOM globals (document base URL, window, the script-tag build).
        test: { name: 'dom', environment: 'happy-dom', include: ['test/dom/**/*.test.{ts,tsx}'] },
      },
      {
        extends: true,
        // Real Chromium, side by side with its native EventSource. Scenarios wait for real reconnects
        // (3 s before any retry: field), three runs each.
        test: { name: 'browser', environment: 'node', include: ['test/browser/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
      },
    ],
  },
})
