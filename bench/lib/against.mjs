// `--against <checkout>[:name]` for the scripts that measure variants one by one
// (allocations.mjs, instructions.mjs): the selected non-bare variants again, served by
// another checkout's build.
import path from 'node:path';

/**
 * Copies of `variants` (bare excluded) that run from `<checkout>/bench`, as `<id>@<name>`
 * (`name` defaults to `base`); none without a spec.
 *
 * @example
 * againstCopies(selected, '../base:before'); // [{ ...koaTracewire, id: 'koa-tracewire@before', benchDir: '/…/base/bench' }]
 */
export function againstCopies(variants, spec) {
  if (!spec) return [];
  const colon = spec.lastIndexOf(':');
  const [dir, name] = colon > 0 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'base'];
  const benchDir = path.resolve(dir, 'bench');
  return variants
    .filter((variant) => variant.kind !== 'bare')
    .map((variant) => ({ ...variant, id: `${variant.id}@${name}`, benchDir }));
}
