/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * two neighbouring characters each cost 1. Swaps count once because `SENTRY_DNS` for
 * `SENTRY_DSN` is the typo people actually make.
 *
 * @example
 * editDistance('SENTRY_DNS', 'SENTRY_DSN'); // 1
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => distance[row]?.[column] ?? Number.POSITIVE_INFINITY;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, at(row - 2, column - 2) + 1);
      }
      (distance[row] as number[])[column] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `name`, if it is within `maxDistance` edits.
 *
 * @example
 * closestMatch('SENTRY_ENVIROMENT', ['SENTRY_DSN', 'SENTRY_ENVIRONMENT'], 2); // 'SENTRY_ENVIRONMENT'
 */
export function closestMatch(
  name: string,
  candidates: readonly string[],
  maxDistance: number,
): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
