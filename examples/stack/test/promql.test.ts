// The PromQL reading the metric-name checks rely on.
import { describe, expect, it } from 'vitest';
import { promqlMetricNames, promqlSelectors, withGrafanaVariables } from './helpers/promql.ts';

describe('promqlSelectors', () => {
  it('finds metrics and their matcher labels, not functions, grouping labels or values', () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, job) (rate(http_server_request_duration_seconds_bucket{job=~"$service", http_route=~"a{b}"}[$__rate_interval])))';
    expect(promqlSelectors(expr)).toEqual([
      { metric: 'http_server_request_duration_seconds_bucket', labels: ['job', 'http_route'] },
    ]);
  });

  it('handles binary operators, matching clauses, offsets and bare metric names', () => {
    const expr =
      'sum(rate(a_total{x="1"}[5m])) / on(job) group_left(team) b_info offset 1h30m > bool 0.5 unless c';
    expect(promqlMetricNames(expr)).toEqual(['a_total', 'b_info', 'c']);
  });

  it('reads every line of a multi-line expression', () => {
    expect(promqlMetricNames('sum(rate(a{s=~"5.."}[1m]))\n/\nsum(rate(b[1m]))')).toEqual(['a', 'b']);
  });
});

describe('withGrafanaVariables', () => {
  it('replaces the dashboard variables with values Prometheus accepts', () => {
    expect(withGrafanaVariables(`rate(x{job=~"$service", r=~"\${route}"}[$__rate_interval])`)).toBe(
      'rate(x{job=~".+", r=~".*"}[1m])',
    );
  });
});
