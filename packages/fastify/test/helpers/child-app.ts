// The fixture apps run from this package's folder, where `fastify`, `@tracewire/core` and
// (by self-reference) `@tracewire/fastify` resolve to what a service would load.
import { childAppRunner, missingBuild } from '@tracewire/testing/fixtures';

export type { ChildApp } from '@tracewire/testing/fixtures';

/** Child-process tests run the built packages; they are skipped until `pnpm build` has made them. */
export const packagesAreBuilt =
  missingBuild([
    new URL('../../../core/dist/register.mjs', import.meta.url),
    new URL('../../dist/index.mjs', import.meta.url),
  ]) === undefined;

/** Starts one of this package's fixture apps in a child process, from this package's folder. */
export const startChildApp = childAppRunner({
  fixtures: new URL('../fixtures/', import.meta.url),
  cwd: new URL('../..', import.meta.url),
});
