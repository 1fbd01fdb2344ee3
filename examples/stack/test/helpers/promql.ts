// Just enough PromQL reading to find which metrics and labels a dashboard query uses.

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
]);

/** A selector's metric name and the label names its matchers use. */
export interface PromqlSelector {
  metric: string;
  labels: string[];
}

function stripNoise(expr: string): string {
  return (
    expr
      // Grafana variables: $__rate_interval, $service, ${route}
      .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
      // range and subquery brackets: [5m], [1h:1m]
      .replace(/\[[^\]]*\]/g, ' ')
      // durations (offset 1h30m) and numbers (0.95, 1e3)
      .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?\b/gi, ' ')
      // grouping and matching clauses list label names, not metrics
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  );
}

/** The selectors of an expression: `metric{label="x"}` and bare `metric`. */
export function promqlSelectors(expr: string): PromqlSelector[] {
  // String literals go first so that quoted values never look like names.
  const withoutStrings = stripNoise(expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""'));
  const selectors: PromqlSelector[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  for (const match of withoutStrings.matchAll(token)) {
    const [, name, matchers, call] = match;
    if (!name || call || KEYWORDS.has(name)) continue;
    const before = withoutStrings.slice(0, match.index);
    // Inside a `{...}` block, a name is a label, not a metric.
    if (before.lastIndexOf('{') > before.lastIndexOf('}')) continue;
    const labels = [...(matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map(
      (labelMatch) => labelMatch[1] as string,
    );
    selectors.push({ metric: name, labels });
  }
  return selectors;
}

/** The metric names an expression reads. */
export function promqlMetricNames(expr: string): string[] {
  return [...new Set(promqlSelectors(expr).map((selector) => selector.metric))];
}

/** Grafana's variables replaced by values Prometheus accepts, for running a panel query as is. */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range|\$__auto/g, '1m')
    .replace(/\$\{?service\}?/g, '.+')
    .replace(/\$\{?route\}?/g, '.*');
}
