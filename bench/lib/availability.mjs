// Decides at run time which variants can run: a variant is available when every module it
// requires imports and has the exports its server uses. The tracewire packages exist in
// the workspace before they are implemented, so "it imports" is not enough; checking the
// exports is what makes the tracewire variants start running on their own once built.
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, waitForExit } from './children.mjs';

const probeFile = fileURLToPath(new URL('./probe-modules.mjs', import.meta.url));
const benchDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Resolves to a Map from variant id to `{ available: true }` or
 * `{ available: false, reason }`.
 */
export async function checkAvailability(variants) {
  const requirements = new Map();
  for (const variant of variants) {
    for (const { module, exports } of variant.requires) {
      const names = requirements.get(module) ?? new Set();
      for (const name of exports) names.add(name);
      requirements.set(module, names);
    }
  }
  const request = [...requirements].map(([module, names]) => ({ module, exports: [...names] }));
  const child = spawnTracked(process.execPath, [probeFile, JSON.stringify(request)], {
    cwd: benchDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child, 50_000);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const { code } = await waitForExit(child);
  if (code !== 0) throw new Error(`module probe failed:\n${output.text()}`);
  const probed = JSON.parse(stdout.trim().split('\n').at(-1));

  const availability = new Map();
  for (const variant of variants) {
    const problems = [];
    for (const { module, exports } of variant.requires) {
      const result = probed[module];
      if (result.error) {
        problems.push(`${module} cannot be imported (${result.error})`);
        continue;
      }
      const missing = exports.filter((name) => result.missing.includes(name));
      if (missing.length > 0) {
        const names = missing.map((name) => `\`${name}\``).join(', ');
        problems.push(`${module} not built yet (missing export${missing.length > 1 ? 's' : ''} ${names})`);
      }
    }
    availability.set(
      variant.id,
      problems.length === 0 ? { available: true } : { available: false, reason: problems.join('; ') },
    );
  }
  return availability;
}
