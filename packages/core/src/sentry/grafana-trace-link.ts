/** The Tempo datasource UID tracewire's provisioned Grafana stack uses. */
export const TEMPO_DATASOURCE_UID = 'tempo';

/**
 * A Grafana Explore URL that opens one trace in the Tempo datasource. Put on Sentry
 * events so the step from an error to its spans is one click.
 *
 * @example
 * grafanaTraceUrl('https://grafana.example.com', '4bf92f3577b34da6a3ce929d0e0e4736');
 * // https://grafana.example.com/explore?schemaVersion=1&panes=...
 */
export function grafanaTraceUrl(
  grafanaUrl: string,
  traceId: string,
  datasourceUid = TEMPO_DATASOURCE_UID,
): string {
  const panes = {
    trace: {
      datasource: datasourceUid,
      queries: [
        {
          refId: 'A',
          datasource: { type: 'tempo', uid: datasourceUid },
          queryType: 'traceql',
          query: traceId,
        },
      ],
      range: { from: 'now-24h', to: 'now' },
    },
  };
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
