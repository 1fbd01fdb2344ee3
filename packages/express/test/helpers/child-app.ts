// The fixture apps run with `node --import @tracewire/core/register` from this package's
// folder, where `@tracewire/core` and `express` resolve, and `@tracewire/express` resolves to
// its own built `dist/` by self-reference.
import { childAppRunner, missingBuild } from '@tracewire/testing/fixtures';

export type { ChildApp, ChildExit } from '@tracewire/testing/fixtures';

/** Why the child-process tests cannot run yet, or '' when both packages are built. */
export const notBuiltReason =
  missingBuild([
    new URL('../../../core/dist/register.mjs', import.meta.url),
    new URL('../../dist/index.mjs', import.meta.url),
  ]) ?? '';

/** Starts `test/fixtures/<script>` under the register hook; `env` is its whole environment. */
export const startChildApp = childAppRunner({
  fixtures: new URL('../fixtures/', import.meta.url),
  cwd: new URL('../..', import.meta.url),
  nodeArgs: ['--import', '@tracewire/core/register'],
});
