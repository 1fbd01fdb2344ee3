// The fixture apps run with `node --import @tracewire/core/register` from the package
// folder, loading the built packages as users do; `pnpm test` builds them first.
import { childAppRunner, missingBuild as findMissingBuild } from '@tracewire/testing/fixtures';

export type { ChildApp, ChildExit } from '@tracewire/testing/fixtures';

/** Why child-process tests cannot run yet, or undefined when they can. */
export function missingBuild(): string | undefined {
  return findMissingBuild([
    new URL('../../../core/dist/register.mjs', import.meta.url),
    { path: new URL('../../dist/index.mjs', import.meta.url), contains: 'tracewireObservability' },
  ]);
}

/** Starts `test/fixtures/<script>` under the register hook; `env` is its whole environment. */
export const startChildApp = childAppRunner({
  fixtures: new URL('../fixtures/', import.meta.url),
  cwd: new URL('../..', import.meta.url),
  nodeArgs: ['--import', '@tracewire/core/register'],
});
