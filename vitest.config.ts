import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real programs (tshark, the CLI, sockets): give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ once: the worker-thread paths are tested against the built JavaScript.
    globalSetup: ['test/global-setup.ts'],
  },
});
