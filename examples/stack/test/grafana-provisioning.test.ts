// Grafana provisioning: the datasources exist under the UIDs everything else points at,
// the correlations between them resolve, and Grafana's "$" handling leaves the right text.
import { Writable } from 'node:stream';
import { grafanaTraceUrl, initObservability, TEMPO_DATASOURCE_UID } from '@tracewire/core';
import { createRequestObserver } from '@tracewire/core/adapter';
import { type ReceivedLogRecord, startTestSink } from '@tracewire/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  allPanels,
  type Dashboard,
  type DashboardPanel,
  readDashboards,
  readStackFile,
  readStackYaml,
} from './helpers/stack-files.ts';

const SENTRY_QUERY_TYPES = ['issues', 'events', 'statsV2', 'eventsStats', 'metrics', 'spans', 'spansStats'];

interface Datasource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

interface TempoJsonData {
  tracesToLogsV2: { datasourceUid: string };
  tracesToMetrics: { datasourceUid: string; queries: { query: string }[] };
  serviceMap: { datasourceUid: string };
  lokiSearch: { datasourceUid: string };
}

const DATASOURCES_FILE = ['grafana', 'provisioning', 'datasources', 'datasources.yaml'] as const;
const rawDatasources = readStackFile(...DATASOURCES_FILE);
const compose = readStackYaml<{
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
}>('docker-compose.yml');
const grafanaEnvironment = compose.services.grafana?.environment ?? {};

/**
 * What Grafana does to a provisioning file before parsing it: `$NAME` and `${NAME}` become
 * the environment variable's value (empty when unset), `$$` becomes a literal `$`.
 */
function expandLikeGrafana(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced, bare) =>
    match === '$$' ? '$' : (env[braced ?? bare] ?? ''),
  );
}

const sampleEnvironment = {
  ...grafanaEnvironment,
  SENTRY_INTERNAL_URL: 'http://sentry.railway.internal:9000',
  SENTRY_URL: 'https://sentry.example.com',
  SENTRY_ORG: 'acme',
  SENTRY_AUTH_TOKEN: 'sntrys_test',
};
const datasources = (
  parse(expandLikeGrafana(rawDatasources, sampleEnvironment)) as { datasources: Datasource[] }
).datasources;
const byUid = new Map(datasources.map((datasource) => [datasource.uid, datasource]));
const datasource = (uid: string) => byUid.get(uid) as Datasource;

describe('datasource provisioning', () => {
  it('provisions Prometheus, Tempo, Loki and Sentry under fixed UIDs', () => {
    expect(datasources.map((source) => [source.uid, source.type])).toEqual([
      ['prometheus', 'prometheus'],
      ['tempo', 'tempo'],
      ['loki', 'loki'],
      ['sentry', 'grafana-sentry-datasource'],
    ]);
    expect(datasource('prometheus').url).toBe('http://prometheus:9090');
    expect(datasource('tempo').url).toBe('http://tempo:3200');
    expect(datasource('loki').url).toBe('http://loki:3100');
  });

  it('uses the Tempo UID that Sentry events link to', () => {
    expect(byUid.has(TEMPO_DATASOURCE_UID)).toBe(true);
    const link = new URL(grafanaTraceUrl('http://localhost:3000', '4bf92f3577b34da6a3ce929d0e0e4736'));
    const panes = JSON.parse(link.searchParams.get('panes') as string) as Record<
      string,
      { datasource: string }
    >;
    for (const pane of Object.values(panes)) expect(byUid.has(pane.datasource)).toBe(true);
  });

  it('writes every Grafana macro as $${...}, so that Grafana does not read it as a variable', () => {
    const unescaped = [...rawDatasources.matchAll(/(?<!\$)\$\{__|(?<!\$)\$__/g)].map((match) => match.index);
    expect(unescaped).toEqual([]);
  });

  it('reads only environment variables the Grafana container is given', () => {
    const referenced = [...rawDatasources.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}/g)].map(
      (match) => match[1],
    );
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(grafanaEnvironment, name).toHaveProperty(name as string);
  });

  it('configures Sentry from SENTRY_INTERNAL_URL, SENTRY_ORG and SENTRY_AUTH_TOKEN', () => {
    const sentry = datasource('sentry');
    expect(sentry.jsonData).toEqual({ url: 'http://sentry.railway.internal:9000', orgSlug: 'acme' });
    expect(sentry.secureJsonData).toEqual({ authToken: 'sntrys_test' });
  });

  it('links log lines to traces: Loki derived field on trace_id -> Tempo', async () => {
    const [derived] = (datasource('loki').jsonData?.derivedFields ?? []) as Record<string, string>[];
    expect(derived).toMatchObject({ datasourceUid: 'tempo', url: `\${__value.raw}`, matcherType: 'regex' });
    expect(byUid.has(derived?.datasourceUid as string)).toBe(true);

    // The pattern must match what tracewire really writes: a request log line inside a span.
    const line = await realRequestLogLine();
    const traceId = new RegExp(derived?.matcherRegex as string).exec(line)?.[1];
    expect(traceId).toBe(JSON.parse(line).trace_id);
  });

  it('links OTLP log records to traces: a label-matched derived field on the trace_id structured metadata', async () => {
    const fields = (datasource('loki').jsonData?.derivedFields ?? []) as Record<string, string>[];
    const byLabel = fields.find((field) => field.matcherType === 'label');
    expect(byLabel).toMatchObject({
      matcherType: 'label',
      matcherRegex: 'trace_id',
      datasourceUid: 'tempo',
      url: `\${__value.raw}`,
    });
    // Beside the regex field, not instead of it: lines shipped as text still link.
    expect(
      fields.filter((field) => field.datasourceUid === 'tempo').map((field) => field.matcherType),
    ).toEqual(['regex', 'label']);
    // Loki 3 stores an OTLP record's trace ID as structured metadata "trace_id" (hex). The
    // record tracewire really exports carries the trace ID of the line it came from.
    const { line, record } = await realExportedLogRecord();
    expect(record.traceId).toBe(JSON.parse(line).trace_id);
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
    // ...and not inside its body, which is why the regex field alone no longer matches.
    expect(String(record.body)).not.toContain(record.traceId as string);
  });

  it('finds a trace’s logs both as OTLP structured metadata and in JSON lines, never through an index label', () => {
    const tempo = datasource('tempo').jsonData as unknown as { tracesToLogsV2: { query: string } };
    const query = tempo.tracesToLogsV2.query;
    const [selector, ...stages] = query.split(' | ');
    // The stream selector holds only the service tags; the trace ID is filtered after it.
    expect(selector).toBe(`{\${__tags}}`);
    expect(stages).toEqual([
      'json trace_id_line="trace_id"',
      `trace_id="\${__span.traceId}" or trace_id_line="\${__span.traceId}"`,
    ]);
    // The JSON field the json stage lifts is the one tracewire writes into every line.
    const loki = readStackYaml<{
      limits_config: {
        allow_structured_metadata: boolean;
        otlp_config: {
          resource_attributes: { attributes_config: { action: string; attributes: string[] }[] };
        };
      };
    }>('loki.yaml');
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
    const indexed = loki.limits_config.otlp_config.resource_attributes.attributes_config
      .filter((entry) => entry.action === 'index_label')
      .flatMap((entry) => entry.attributes);
    for (const attribute of ['trace_id', 'span_id', 'trace.id', 'span.id'])
      expect(indexed).not.toContain(attribute);
  });

  it('links error log lines to their Sentry event', () => {
    const sentryLink = ((datasource('loki').jsonData?.derivedFields ?? []) as Record<string, string>[]).find(
      (field) => field.matcherRegex?.includes('sentry_event_id'),
    );
    expect(sentryLink?.url).toBe(
      `https://sentry.example.com/organizations/acme/issues/?query=\${__value.raw}`,
    );
    const eventId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const line = JSON.stringify({ level: 'error', msg: 'payment failed', sentry_event_id: eventId });
    expect(new RegExp(sentryLink?.matcherRegex as string).exec(line)?.[1]).toBe(eventId);
    // OTLP records carry it as an attribute, which Loki keeps as structured metadata.
    const byLabel = ((datasource('loki').jsonData?.derivedFields ?? []) as Record<string, string>[]).find(
      (field) => field.matcherType === 'label' && field.matcherRegex === 'sentry_event_id',
    );
    expect(byLabel?.url).toBe(sentryLink?.url);
  });

  it('links traces to logs, metrics, the service map and Loki search', () => {
    const tempo = datasource('tempo').jsonData as unknown as TempoJsonData;
    expect(tempo.tracesToLogsV2).toMatchObject({
      datasourceUid: 'loki',
      filterByTraceID: true,
      query: `{\${__tags}} | json trace_id_line="trace_id" | trace_id="\${__span.traceId}" or trace_id_line="\${__span.traceId}"`,
      tags: [{ key: 'service.name', value: 'service_name' }],
    });
    expect(tempo.tracesToMetrics.datasourceUid).toBe('prometheus');
    for (const query of tempo.tracesToMetrics.queries) expect(query.query).toContain('{$__tags}');
    expect(tempo.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(tempo.lokiSearch).toEqual({ datasourceUid: 'loki' });
    for (const uid of [
      tempo.tracesToLogsV2.datasourceUid,
      tempo.serviceMap.datasourceUid,
      tempo.lokiSearch.datasourceUid,
    ]) {
      expect(byUid.has(uid)).toBe(true);
    }
  });

  it('links metric exemplars to Tempo under the label Tempo writes the trace ID to', () => {
    const destinations = datasource('prometheus').jsonData?.exemplarTraceIdDestinations;
    expect(destinations).toEqual([
      { name: 'trace_id', datasourceUid: 'tempo', urlDisplayLabel: 'View trace' },
    ]);
    const tempo = readStackYaml<{
      overrides: { defaults: { metrics_generator: { trace_id_label_name: string } } };
    }>('tempo.yaml');
    expect(tempo.overrides.defaults.metrics_generator.trace_id_label_name).toBe('trace_id');
  });
});

describe('dashboard provisioning', () => {
  it('loads the dashboards from the folder docker-compose mounts', () => {
    const providers = readStackYaml<{ providers: { options: { path: string } }[] }>(
      'grafana',
      'provisioning',
      'dashboards',
      'dashboards.yaml',
    ).providers;
    const mount = compose.services.grafana?.volumes?.find((volume) =>
      volume.startsWith('./grafana/dashboards:'),
    );
    expect(mount?.split(':')[1]).toBe(providers[0]?.options.path);
  });
});

const dashboards = readDashboards();
const dashboard = (title: string) =>
  dashboards.find((entry) => entry.dashboard.title === title)?.dashboard as Dashboard;

describe.each(dashboards)('$file', ({ file, dashboard: board }) => {
  it('queries only provisioned datasources', () => {
    const missing: string[] = [];
    const check = (where: string, uid: string | undefined) => {
      if (uid === undefined || uid.startsWith('$')) return;
      if (!byUid.has(uid)) missing.push(`${where}: ${uid}`);
    };
    for (const variable of board.templating?.list ?? [])
      check(`variable ${variable.name}`, variable.datasource?.uid);
    for (const panel of allPanels(board)) {
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid, `${file} / ${panel.title}`).toBeDefined();
      check(panel.title, panel.datasource?.uid);
      for (const target of panel.targets ?? [])
        check(`${panel.title} ${target.refId}`, target.datasource?.uid);
    }
    expect(missing).toEqual([]);
  });

  it('uses a valid queryType and the query fields the Sentry plugin reads', () => {
    for (const panel of allPanels(board)) {
      for (const target of panel.targets ?? []) {
        if ((target.datasource?.uid ?? panel.datasource?.uid) !== 'sentry') continue;
        expect(SENTRY_QUERY_TYPES, panel.title).toContain(target.queryType);
        expect(Array.isArray(target.projectIds), panel.title).toBe(true);
        if (target.queryType === 'issues') {
          expect(typeof target.issuesQuery).toBe('string');
          expect(Array.isArray(target.environments)).toBe(true);
        }
        if (target.queryType === 'eventsStats') {
          expect(target.eventsStatsYAxis).toEqual(expect.arrayContaining([expect.any(String)]));
          expect(typeof target.eventsStatsQuery).toBe('string');
        }
        if (target.queryType === 'statsV2') {
          expect(target.statsFields).toEqual(expect.arrayContaining([expect.any(String)]));
          expect(target.statsCategory).toEqual(expect.arrayContaining([expect.any(String)]));
        }
      }
    }
  });

  it('contains no "$$": dashboards are not environment-expanded, so Grafana macros keep one "$"', () => {
    expect(readStackFile('grafana', 'dashboards', file)).not.toContain('$$');
  });

  it('links only to Explore panes on provisioned datasources, with labels the series have', () => {
    for (const panel of allPanels(board)) {
      for (const link of panel.fieldConfig?.defaults?.links ?? []) {
        if (!link.url.startsWith('/explore')) continue;
        const encodedPanes = /[?&]panes=([^&]*)/.exec(link.url)?.[1] as string;
        const panes = JSON.parse(decodeURIComponent(encodedPanes)) as Record<
          string,
          { datasource: string; queries: { datasource: { uid: string }; query: string }[] }
        >;
        for (const pane of Object.values(panes)) {
          expect(byUid.has(pane.datasource)).toBe(true);
          for (const query of pane.queries) expect(byUid.has(query.datasource.uid)).toBe(true);
        }
        const grouped = groupingLabels(panel);
        for (const [, label] of link.url.matchAll(/\$\{__field\.labels\.([a-z_]+)/g)) {
          expect(grouped, `${panel.title}: ${label}`).toContain(label);
        }
      }
    }
  });
});

describe('Sentry Error Tracking dashboard', () => {
  const board = dashboard('Sentry Error Tracking');
  const panels = allPanels(board);

  it('refreshes every 10 s and shows the last 24 hours', () => {
    expect(board.refresh).toBe('10s');
    expect(board.time).toEqual({ from: 'now-24h', to: 'now' });
  });

  it('has project and environment variables from the Sentry datasource', () => {
    const variables = board.templating?.list ?? [];
    expect(
      variables.map((variable) => [
        variable.name,
        variable.datasource?.uid,
        (variable.query as { type: string }).type,
      ]),
    ).toEqual([
      ['project', 'sentry', 'projects'],
      ['environment', 'sentry', 'environments'],
    ]);
  });

  it('shows issues by status, a total, the recent issues and the trend', () => {
    const byType = (type: string) => panels.filter((panel) => panel.type === type);
    const pie = byType('piechart')[0];
    expect(pie?.targets?.[0]).toMatchObject({ queryType: 'issues', issuesQuery: '' });
    expect(byType('gauge')[0]?.targets?.[0]).toMatchObject({
      queryType: 'issues',
      issuesQuery: 'is:unresolved',
    });
    expect(byType('table')[0]?.targets?.[0]).toMatchObject({ queryType: 'issues', issuesSort: 'date' });
    expect(
      byType('timeseries')
        .map((panel) => panel.targets?.[0]?.queryType)
        .sort(),
    ).toEqual(['eventsStats', 'statsV2']);
    for (const panel of panels) {
      const target = panel.targets?.[0];
      expect(target?.projectIds).toEqual([`\${project}`]);
      if (target?.queryType !== 'statsV2') expect(target?.environments).toEqual([`\${environment}`]);
    }
  });
});

describe('Service overview dashboard', () => {
  const board = dashboard('Service overview');
  const panels = allPanels(board);
  const titled = (title: string) => panels.find((panel) => panel.title === title) as DashboardPanel;

  it('selects services by the job label, which equals OTEL_SERVICE_NAME', () => {
    const service = board.templating?.list.find((variable) => variable.name === 'service');
    expect(service?.datasource?.uid).toBe('prometheus');
    expect(JSON.stringify(service?.query)).toContain(
      'label_values(http_server_request_duration_seconds_count, job)',
    );
  });

  it('shows request rate, error rate and latency quantiles per route, with exemplars on latency', () => {
    expect(titled('Request rate by route').targets?.[0]?.expr).toContain(
      'http_server_request_duration_seconds_count',
    );
    expect(titled('Error rate (5xx) by route').targets?.[0]?.expr).toContain(
      'http_response_status_code=~"5.."',
    );
    const latency = titled('Latency p50 / p95 / p99 by route').targets ?? [];
    expect(latency.map((target) => /histogram_quantile\(([\d.]+)/.exec(target.expr ?? '')?.[1])).toEqual([
      '0.5',
      '0.95',
      '0.99',
    ]);
    for (const target of latency) expect(target.exemplar).toBe(true);
    expect(titled('Server latency from traces (p95, with exemplars)').targets?.[0]?.exemplar).toBe(true);
  });

  it('shows event loop and heap panels and the logs of the selected services', () => {
    expect(titled('Event loop delay').targets?.map((target) => target.expr)).toEqual([
      'nodejs_eventloop_delay_p99_seconds{job=~"$service"}',
      'nodejs_eventloop_delay_p50_seconds{job=~"$service"}',
    ]);
    expect(titled('V8 heap').targets?.[0]?.expr).toContain('v8js_memory_heap_used_bytes');
    const logs = panels.find((panel) => panel.type === 'logs');
    expect(logs?.datasource?.uid).toBe('loki');
    expect(logs?.targets?.[0]?.expr).toBe('{service_name=~"$service"}');
  });

  it('counts log lines by the severity Loki keeps for OTLP records, without parsing the line as JSON', () => {
    // Loki 3 stores an OTLP record's severity text as structured metadata; the body of a
    // record tracewire exports is the message, not JSON, so a `| json` stage would drop it.
    const expr = titled('Log lines by level').targets?.[0]?.expr ?? '';
    expect(expr).toBe('sum by (severity_text) (count_over_time({service_name=~"$service"} [$__auto]))');
    expect(expr).not.toContain('| json');
  });

  it('links the request panels to the traces of a route in Tempo', () => {
    for (const title of [
      'Request rate by route',
      'Error rate (5xx) by route',
      'Latency p50 / p95 / p99 by route',
    ]) {
      const [link] = titled(title).fieldConfig?.defaults?.links ?? [];
      expect(link?.url, title).toMatch(/^\/explore\?/);
      expect(decodeURIComponent(link?.url ?? '')).toContain('span.http.route');
    }
  });
});

/** Labels a panel's series keep: those in the `by (...)` clauses of its queries. */
function groupingLabels(panel: DashboardPanel): string[] {
  return (panel.targets ?? []).flatMap((target) =>
    [...(target.expr ?? '').matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) =>
      (match[1] as string).split(',').map((label) => label.trim()),
    ),
  );
}

/** A log line written by tracewire inside a request span, as a service prints it. */
/** A request log line and the OTLP record tracewire exported for it, as the sink decoded it. */
async function realExportedLogRecord(): Promise<{ line: string; record: ReceivedLogRecord }> {
  const sink = await startTestSink();
  const lines: string[] = [];
  const handle = initObservability({
    env: { ...sink.env, OTEL_SERVICE_NAME: 'stack-otlp-log-test', TRACEWIRE_METRICS: 'none', SENTRY_DSN: '' },
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
    handleSignals: false,
  });
  try {
    const observer = createRequestObserver({ handle, accessLog: false });
    const observed = observer.start({
      method: 'GET',
      url: '/orders/8',
      headers: {},
      setResponseHeader: () => {},
    });
    observed.setRoute('/orders/:id');
    observed.run(() => observed.log.info({ order: 8 }, 'loading order over otlp'));
    observed.finish(200);
    await handle.flush();
    const record = await sink.waitFor((s) => s.logs.find((log) => log.body === 'loading order over otlp'));
    const line = lines.find((candidate) => candidate.includes('loading order over otlp'));
    if (!line) throw new Error('tracewire wrote no request log line');
    return { line: line.trim(), record };
  } finally {
    await handle.shutdown();
    await sink.close();
  }
}

async function realRequestLogLine(): Promise<string> {
  const lines: string[] = [];
  const handle = initObservability({
    env: { OTEL_SERVICE_NAME: 'stack-log-test', TRACEWIRE_METRICS: 'none' },
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
    handleSignals: false,
  });
  try {
    const observer = createRequestObserver({ handle, accessLog: false });
    const observed = observer.start({
      method: 'GET',
      url: '/orders/7',
      headers: {},
      setResponseHeader: () => {},
    });
    observed.setRoute('/orders/:id');
    observed.run(() => observed.log.info({ order: 7 }, 'loading order'));
    observed.finish(200);
  } finally {
    await handle.shutdown();
  }
  const line = lines.find((candidate) => candidate.includes('loading order'));
  if (!line) throw new Error('tracewire wrote no request log line');
  return line.trim();
}
