import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packageSource = (name: string, entry = 'index.ts'): string =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; child-process and packaging tests use the
    // built `dist/` output that `pnpm test` builds first.
    alias: [
      { find: /^@tracewire\/core$/, replacement: packageSource('core') },
      {
        find: /^@tracewire\/core\/adapter$/,
        replacement: fileURLToPath(new URL('./packages/core/src/adapter.ts', import.meta.url)),
      },
      { find: /^@tracewire\/testing$/, replacement: packageSource('testing') },
      { find: /^@tracewire\/testing\/fixtures$/, replacement: packageSource('testing', 'fixtures/index.ts') },
      { find: /^@tracewire\/express$/, replacement: packageSource('express') },
      { find: /^@tracewire\/fastify$/, replacement: packageSource('fastify') },
      { find: /^@tracewire\/koa$/, replacement: packageSource('koa') },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
