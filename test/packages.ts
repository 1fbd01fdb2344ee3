import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface WorkspacePackage {
  dir: string;
  name: string;
  /** Subpaths of the `exports` map that are code entry points (`.`, `./register`, ...). */
  entryPoints: string[];
  manifest: Record<string, unknown> & {
    exports: Record<string, unknown>;
    bin?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

/** The published packages, read from `packages/*`. */
export function listPublishedPackages(): WorkspacePackage[] {
  const packagesDir = path.join(repoRoot, 'packages');
  return fs
    .readdirSync(packagesDir)
    .sort()
    .map((entry) => {
      const dir = path.join(packagesDir, entry);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const entryPoints = Object.keys(manifest.exports).filter((key) => key !== './package.json');
      return { dir, name: manifest.name as string, entryPoints, manifest };
    });
}

/** The module specifier a user writes for an entry point: `@tracewire/core/register`. */
export function specifierOf(pkg: WorkspacePackage, entryPoint: string): string {
  return entryPoint === '.' ? pkg.name : `${pkg.name}/${entryPoint.slice(2)}`;
}
