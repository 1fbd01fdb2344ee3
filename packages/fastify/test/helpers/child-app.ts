import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildApp, startChildApp as startCoreChildApp } from '../../../core/test/helpers/child-app.ts';

export type { ChildApp };

export const packageDir = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = fileURLToPath(new URL('../fixtures', import.meta.url));

/** Child-process tests run the built packages; they are skipped until `pnpm build` has made them. */
export const packagesAreBuilt =
  fs.existsSync(path.join(packageDir, '..', 'core', 'dist', 'register.mjs')) &&
  fs.existsSync(path.join(packageDir, 'dist', 'index.mjs'));

/** Starts one of this package's fixture apps in a child process, from this package's folder. */
export function startChildApp(
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string } = {},
): Promise<ChildApp> {
  return startCoreChildApp(script, { ...options, cwd: options.cwd ?? packageDir, fixturesDir });
}
