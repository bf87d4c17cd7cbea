import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // Fast unit and loopback tests in plain Node (no DOM globals), and the compile-only type tests.
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/dom/**'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        // What touches DOM globals (document base URL, window, the script-tag build).
        test: { name: 'dom', environment: 'happy-dom', include: ['test/dom/**/*.test.ts'] },
      },
    ],
  },
})
