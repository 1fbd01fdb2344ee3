// How answers are read: rate-limit headers, DSN paths, and OTLP answers whose cause is
// told by the port or status alone (a Tempo query port cannot be bound in a test).
import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../../src/cli/doctor/connection-failures.ts';
import { judgeOtlpAnswer, type OtlpProbeTarget } from '../../../src/cli/doctor/otlp-checks.ts';
import { ingestTarget, rateLimitReset } from '../../../src/cli/doctor/sentry-ingest-checks.ts';

const traces = (url: string, overrides: Partial<OtlpProbeTarget> = {}): OtlpProbeTarget => ({
  destination: 'OTLP traces',
  check: 'otlp.traces.export',
  signal: 'traces',
  url,
  protocol: 'http/protobuf',
  headers: {},
  variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  ...overrides,
});
const answer = (status: number, body = '', headers: Record<string, string> = {}) =>
  ({ kind: 'response', status, headers, body }) as const;

describe('rate limit resets', () => {
  it('takes the longest limit X-Sentry-Rate-Limits names, before Retry-After', () => {
    expect(
      rateLimitReset({ 'x-sentry-rate-limits': '60:error:organization, 10::key', 'retry-after': '5' }),
    ).toBe(60);
    expect(rateLimitReset({ 'retry-after': '5' })).toBe(5);
    expect(rateLimitReset({})).toBeUndefined();
  });

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterSeconds('Tue, 01 Dec 2026 10:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});

describe('ingestTarget', () => {
  it('keeps a DSN path prefix before /api/<project>/envelope/, as the SDK does', () => {
    expect(ingestTarget('https://abc@sentry.example.com/sentry/42')).toMatchObject({
      envelopeUrl: 'https://sentry.example.com/sentry/api/42/envelope/',
      publicKey: 'abc',
      projectId: '42',
    });
    expect(ingestTarget('http://abc@localhost:9000/1').envelopeUrl).toBe(
      'http://localhost:9000/api/1/envelope/',
    );
  });
});

describe('judgeOtlpAnswer', () => {
  it("names Tempo's query port", () => {
    const verdict = judgeOtlpAnswer(traces('http://tempo:3200/v1/traces'), answer(404, '404 page not found'));
    expect(verdict).toMatchObject({ status: 'fail' });
    expect(verdict.message).toContain("port 3200 is Tempo's query API, not its ingest");
    expect(verdict.fix).toContain('set OTEL_EXPORTER_OTLP_ENDPOINT to http://tempo:4318');
  });

  it('names the other protocol on 415', () => {
    const verdict = judgeOtlpAnswer(traces('http://collector:4318/v1/traces'), answer(415));
    expect(verdict.fix).toBe(
      'Set OTEL_EXPORTER_OTLP_PROTOCOL=http/json, or enable http/protobuf on the receiver.',
    );
  });

  it('gives a per-signal variable the full URL once', () => {
    const verdict = judgeOtlpAnswer(
      traces('http://collector:4318/v1/traces/v1/traces', { variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' }),
      answer(404),
    );
    expect(verdict.fix).toBe(
      'Set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to the full URL once: http://collector:4318/v1/traces.',
    );
  });

  it('warns on a doubled path that a lenient receiver still accepts', () => {
    expect(
      judgeOtlpAnswer(traces('http://collector:4318/otlp/v1/traces/v1/traces'), answer(200)).status,
    ).toBe('warn');
    expect(judgeOtlpAnswer(traces('http://collector:4318/v1/traces'), answer(200)).status).toBe('pass');
  });

  it('recognises a connection reset on 4317 as the gRPC port', () => {
    const verdict = judgeOtlpAnswer(traces('http://collector:4317/v1/traces'), {
      kind: 'error',
      code: 'ECONNRESET',
      message: 'socket hang up',
    });
    expect(verdict.message).toContain('4317 is the OTLP/gRPC port');
    expect(verdict.fix).toContain('(4318)');
  });
});
