/**
 * Decides whether a request path is one tracewire leaves alone: no span, no metric,
 * no access log line. Health checks and scrapes would otherwise drown real traffic.
 *
 * Entries match exactly (a trailing slash is ignored); an entry ending in `*` matches
 * every path with that prefix (`/internal/*`). The query string never takes part.
 *
 * @example
 * const isIgnored = createIgnoredPathMatcher(['/health', '/internal/*']);
 * isIgnored('/health?probe=1'); // true
 * isIgnored('/internal/cache/stats'); // true
 * isIgnored('/users/1'); // false
 */
export function createIgnoredPathMatcher(ignoredPaths: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of ignoredPaths) {
    if (entry.endsWith('*')) prefixes.push(entry.slice(0, -1));
    else exact.add(stripTrailingSlash(entry));
  }
  if (exact.size === 0 && prefixes.length === 0) return () => false;
  return (rawPath: string): boolean => {
    const queryStart = rawPath.indexOf('?');
    const path = stripTrailingSlash(queryStart === -1 ? rawPath : rawPath.slice(0, queryStart));
    if (exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
