import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway application directory, optionally with a package.json, so tests control
 * what `loadConfig()` detects from the manifest. Call `remove()` in `afterAll`.
 */
export function createAppDirectory(manifest?: Record<string, unknown>): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-config-'));
  if (manifest) fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
