import type { UserConfig } from 'tsdown';

/**
 * Build settings every published package shares: ESM + CJS with matching
 * `.d.mts` / `.d.cts` declarations, so both `import` and `require` users get types.
 */
export function packageBuild(entry: Record<string, string>): UserConfig {
  return {
    entry,
    format: {
      esm: {},
      // CommonJS has no `import.meta.resolve`; rolldown would turn `import.meta` into `{}`
      // with a warning. Defined as what that gives, so code can test for it.
      cjs: { define: { 'import.meta.resolve': 'undefined' } },
    },
    dts: true,
    platform: 'node',
    target: 'node22',
    fixedExtension: true,
    sourcemap: true,
    clean: true,
    outDir: 'dist',
  };
}
