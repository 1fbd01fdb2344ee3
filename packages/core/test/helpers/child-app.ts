// core's fixture apps run from the package folder, where `@tracewire/core` resolves to its
// built `dist/` by self-reference.
import { fileURLToPath } from 'node:url';
import { childAppRunner, missingBuild } from '@tracewire/testing/fixtures';

export type { ChildApp } from '@tracewire/testing/fixtures';

/** The package folder, where the fixture apps run. */
export const coreDir = fileURLToPath(new URL('../..', import.meta.url));

/** Skips child-process tests with a clear reason until `pnpm build` has produced dist/. */
export const coreIsBuilt = missingBuild([new URL('../../dist/register.mjs', import.meta.url)]) === undefined;

/** Starts one of `test/fixtures/` in a child process, from the package folder. */
export const startChildApp = childAppRunner({
  fixtures: new URL('../fixtures/', import.meta.url),
  cwd: coreDir,
});
