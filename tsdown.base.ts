import type { UserConfig } from 'tsdown';

/**
 * Build settings every published package shares: ESM + CJS with matching
 * `.d.mts` / `.d.cts` declarations, so both `import` and `require` users get types.
 */
export function packageBuild(entry: Record<string, string>): UserConfig {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node22',
    fixedExtension: true,
    sourcemap: true,
    clean: true,
    outDir: 'dist',
  };
}
