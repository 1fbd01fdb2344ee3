import fs from 'node:fs';
import path from 'node:path';

/** What tracewire takes from the application's package.json. */
export interface AppPackage {
  name: string | undefined;
  version: string | undefined;
}

const NO_PACKAGE: AppPackage = { name: undefined, version: undefined };

/**
 * Reads `name` and `version` from `<cwd>/package.json`, the defaults for the service
 * name and release. A missing or unreadable file is normal (bundled apps, containers
 * without the manifest), so it yields nothing instead of an error.
 *
 * @example
 * readAppPackage(process.cwd()); // { name: 'checkout-api', version: '1.4.2' }
 */
export function readAppPackage(cwd: string): AppPackage {
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'));
  } catch {
    return NO_PACKAGE;
  }
  if (typeof manifest !== 'object' || manifest === null) return NO_PACKAGE;
  const { name, version } = manifest as { name?: unknown; version?: unknown };
  return {
    name: typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined,
    version: typeof version === 'string' && version.trim() !== '' ? version.trim() : undefined,
  };
}
