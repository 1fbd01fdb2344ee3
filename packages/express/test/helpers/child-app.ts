// The fixture apps run with `node --import @tracewire/core/register` from this package's
// folder, where `@tracewire/core` and `express` resolve, and `@tracewire/express` resolves to
// its own built `dist/` by self-reference.
import { type ChildApp, type ChildExit, childAppRunner, missingBuild } from '@tracewire/testing/fixtures';

export type { ChildApp, ChildExit };

/** Why the child-process tests cannot run yet, or '' when both packages are built. */
export const notBuiltReason =
  missingBuild([
    new URL('../../../core/dist/register.mjs', import.meta.url),
    new URL('../../dist/index.mjs', import.meta.url),
  ]) ?? '';

const runFixture = childAppRunner({
  fixtures: new URL('../fixtures/', import.meta.url),
  cwd: new URL('../..', import.meta.url),
  nodeArgs: ['--import', '@tracewire/core/register'],
});

/** Starts `test/fixtures/<script>` under the register hook, with `env` as its whole environment. */
export function startChildApp(script: string, env: Record<string, string>): Promise<ChildApp> {
  return runFixture(script, { env });
}
