// `pnpm test`: lint, format check, build every package, typecheck, then run vitest.
// The steps before vitest print nothing unless they fail, so the run ends with the
// vitest summary and shows only what needs attention.
import { spawnSync } from 'node:child_process';

// The build comes before the typecheck: packages and tests import each other by
// package name, which resolves to the built declarations.
const quietSteps = [
  ['lint', ['run', 'lint']],
  ['format check', ['run', 'format:check']],
  ['build', ['run', 'build']],
  ['typecheck', ['run', 'typecheck']],
];

for (const [label, args] of quietSteps) {
  const result = spawnSync('pnpm', args, { encoding: 'utf8', shell: false });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    console.error(`\n${label} failed (pnpm ${args.join(' ')}), exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

const vitest = spawnSync('pnpm', ['exec', 'vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(vitest.status ?? 1);
