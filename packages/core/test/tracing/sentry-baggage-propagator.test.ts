import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setRequestTransaction } from '../../src/tracing/request-transaction.ts';
import { sampleRandFor } from '../../src/tracing/sample-rand.ts';
import {
  dynamicSamplingSettingsFor,
  SentryBaggagePropagator,
} from '../../src/tracing/sentry-baggage-propagator.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';
const settings = dynamicSamplingSettingsFor('https://abc123@o77.ingest.sentry.io/42', {
  environment: 'staging',
  release: 'shop@1.2.3',
  sampleRate: 0.5,
});

function spanContext(flags: TraceFlags, id = traceId): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: id, spanId, traceFlags: flags });
}

function inject(propagator: SentryBaggagePropagator, context: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, defaultTextMapSetter);
  return carrier.baggage;
}

/** The header's members in order, decoded; metadata kept on the value. */
function members(header: string | undefined): [string, string][] {
  return (header ?? '')
    .split(',')
    .filter(Boolean)
    .map((member) => {
      const separator = member.indexOf('=');
      return [decodeURIComponent(member.slice(0, separator)), member.slice(separator + 1)];
    });
}

function sentryEntries(header: string | undefined): Record<string, string> {
  return Object.fromEntries(
    members(header)
      .filter(([key]) => key.startsWith('sentry-'))
      .map(([key, value]) => [key, decodeURIComponent(value)]),
  );
}

function withIncomingBaggage(context: Context, header: string): Context {
  return new SentryBaggagePropagator(undefined).extract(context, { baggage: header }, defaultTextMapGetter);
}

describe('dynamicSamplingSettingsFor', () => {
  it('reads the public key and the organisation from the DSN', () => {
    expect(settings).toEqual({
      publicKey: 'abc123',
      orgId: '77',
      environment: 'staging',
      release: 'shop@1.2.3',
      sampleRate: 0.5,
    });
    expect(
      dynamicSamplingSettingsFor('http://key@127.0.0.1:9000/1', { environment: 'e', sampleRate: 1 }),
    ).toEqual({ publicKey: 'key', environment: 'e', sampleRate: 1 });
    expect(dynamicSamplingSettingsFor(undefined, { environment: 'e', sampleRate: 1 })).toBeUndefined();
    expect(dynamicSamplingSettingsFor('not a dsn', { environment: 'e', sampleRate: 1 })).toBeUndefined();
  });
});

describe('SentryBaggagePropagator', () => {
  const propagator = new SentryBaggagePropagator(settings);

  it('heads a trace: every sentry-* member, with the decision and the route', () => {
    const metadata = {
      type: RPCType.HTTP as const,
      span: trace.wrapSpanContext({ traceId, spanId, traceFlags: 1 }),
    };
    setRequestTransaction(metadata, 'GET /users/:id');
    const context = setRPCMetadata(spanContext(TraceFlags.SAMPLED), metadata);
    const header = inject(propagator, context);
    const rand = sampleRandFor(traceId, false, 0.5);
    expect(sentryEntries(header)).toEqual({
      'sentry-trace_id': traceId,
      'sentry-public_key': 'abc123',
      'sentry-org_id': '77',
      'sentry-environment': 'staging',
      'sentry-release': 'shop@1.2.3',
      'sentry-sample_rate': '0.5',
      'sentry-sampled': 'true',
      'sentry-sample_rand': expect.stringMatching(/^0\.\d{6}$/),
      'sentry-transaction': 'GET /users/:id',
    });
    // This trace ID folds above the rate, so a sampled decision came from elsewhere and
    // the derived value is moved below the rate.
    expect(rand).toBe('0.568522');
    expect(Number(sentryEntries(header)['sentry-sample_rand'])).toBeLessThan(0.5);
    // Encoded the way Sentry's SDKs encode it.
    expect(header).toContain('sentry-transaction=GET%20%2Fusers%2F%3Aid');
    expect(header).toContain('sentry-release=shop%401.2.3');
  });

  it('names no transaction before the route is known', () => {
    const context = setRPCMetadata(spanContext(TraceFlags.NONE), {
      type: RPCType.HTTP,
      span: trace.wrapSpanContext({ traceId, spanId, traceFlags: 0 }),
    });
    const entries = sentryEntries(inject(propagator, context));
    expect(entries['sentry-transaction']).toBeUndefined();
    expect(entries['sentry-sampled']).toBe('false');
    expect(entries['sentry-sample_rand']).toBe('0.568522');
  });

  it('writes nothing without a DSN, a valid span, or when tracing is suppressed', () => {
    expect(inject(new SentryBaggagePropagator(undefined), spanContext(TraceFlags.SAMPLED))).toBeUndefined();
    expect(inject(propagator, ROOT_CONTEXT)).toBeUndefined();
    expect(inject(propagator, suppressTracing(spanContext(TraceFlags.SAMPLED)))).toBeUndefined();
  });

  it('keeps W3C baggage as OpenTelemetry does, with or without a DSN', () => {
    const incoming = 'userId=alice,serverNode=DF%2028;p=1,isProduction=false';
    const context = withIncomingBaggage(spanContext(TraceFlags.SAMPLED), incoming);
    expect(propagation.getBaggage(context)?.getEntry('serverNode')?.value).toBe('DF 28');
    expect(inject(new SentryBaggagePropagator(undefined), context)).toBe(incoming);
    const header = inject(propagator, context);
    expect(header?.startsWith(`${incoming},sentry-`)).toBe(true);
    expect(members(header).filter(([key]) => !key.startsWith('sentry-'))).toEqual([
      ['userId', 'alice'],
      ['serverNode', 'DF%2028;p=1'],
      ['isProduction', 'false'],
    ]);
  });

  it('sends an upstream sampling context unchanged, and foreign members untouched', () => {
    const upstream =
      'sentry-trace_id=0af7651916cd43dd8448eb211c80319c,sentry-public_key=upstreamkey,sentry-sample_rate=0.25,' +
      'sentry-sampled=true,sentry-sample_rand=0.123456,sentry-environment=prod,sentry-transaction=GET%20%2Fcheckout';
    const incoming = `vendor=abc;prop=1,${upstream},other=x%20y`;
    const context = withIncomingBaggage(spanContext(TraceFlags.SAMPLED), incoming);
    expect(inject(propagator, context)).toBe(incoming);
  });

  it('corrects only an upstream sentry-sampled that contradicts the decision', () => {
    const incoming =
      'sentry-trace_id=0af7651916cd43dd8448eb211c80319c,sentry-public_key=up,sentry-sampled=true';
    const context = withIncomingBaggage(spanContext(TraceFlags.NONE), incoming);
    expect(inject(propagator, context)).toBe(
      'sentry-trace_id=0af7651916cd43dd8448eb211c80319c,sentry-public_key=up,sentry-sampled=false',
    );
  });

  it('respects the W3C limits: 180 members, 8,192 bytes, and never half a sampling context', () => {
    const many = Array.from({ length: 175 }, (_, index) => `m${index}=v`).join(',');
    const crowded = inject(propagator, withIncomingBaggage(spanContext(TraceFlags.SAMPLED), many));
    // Nine Sentry members do not fit beside 175 others: the others stay, Sentry's are left out whole.
    expect(crowded).toBe(many);

    const few = Array.from({ length: 171 }, (_, index) => `m${index}=v`).join(',');
    const full = inject(propagator, withIncomingBaggage(spanContext(TraceFlags.SAMPLED), few));
    expect(members(full)).toHaveLength(179);

    const big = Array.from({ length: 3 }, (_, index) => `big${index}=${'x'.repeat(2700)}`).join(',');
    const large = inject(propagator, withIncomingBaggage(spanContext(TraceFlags.SAMPLED), big));
    expect(large?.length).toBeLessThanOrEqual(8192);
    expect(large?.startsWith(big)).toBe(true);
    expect(Object.keys(sentryEntries(large))).toHaveLength(0);
    // A member over 4,096 bytes is dropped, as OpenTelemetry drops it.
    const oversized = inject(
      propagator,
      withIncomingBaggage(spanContext(TraceFlags.SAMPLED), `huge=${'x'.repeat(4100)},small=1`),
    );
    expect(members(oversized)[0]).toEqual(['small', '1']);

    // Two members of 3,971 bytes each leave 249 bytes.
    const nearlyFull = `a=${'x'.repeat(3969)},b=${'x'.repeat(3969)}`;
    const metadata = {
      type: RPCType.HTTP as const,
      span: trace.wrapSpanContext({ traceId, spanId, traceFlags: 1 }),
    };
    setRequestTransaction(metadata, `GET /${'a'.repeat(200)}`);
    const tight = inject(
      propagator,
      setRPCMetadata(withIncomingBaggage(spanContext(TraceFlags.SAMPLED), nearlyFull), metadata),
    );
    // Room for the sampling context, not for its transaction as well.
    expect(tight?.length).toBeLessThanOrEqual(8192);
    expect(tight?.startsWith(nearlyFull)).toBe(true);
    expect(sentryEntries(tight)['sentry-trace_id']).toBe(traceId);
    expect(sentryEntries(tight)['sentry-transaction']).toBeUndefined();
  });
});

describe('sampleRandFor', () => {
  const hex = fc.stringMatching(/^[0-9a-f]{32}$/).filter((id) => id !== '0'.repeat(32));

  it('agrees with the ratio sampler: below the rate exactly when the trace is sampled', () => {
    fc.assert(
      fc.property(hex, fc.double({ min: 0, max: 1, noNaN: true }), (id, rate) => {
        const sampled = new TraceIdRatioBasedSampler(rate).shouldSample(ROOT_CONTEXT, id).decision === 2;
        const rand = sampleRandFor(id, sampled, rate);
        expect(rand).toMatch(/^0\.\d{6}$/);
        expect(Number(rand) < rate).toBe(sampled);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays consistent with a decision made upstream, or says nothing when none can be', () => {
    fc.assert(
      fc.property(hex, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (id, sampled, rate) => {
        const rand = sampleRandFor(id, sampled, rate);
        if ((sampled && rate === 0) || (!sampled && rate === 1)) expect(rand).toBeUndefined();
        else if (rand !== undefined) expect(Number(rand) < rate).toBe(sampled);
        // Every trace gets the same value on every request.
        expect(sampleRandFor(id, sampled, rate)).toBe(rand);
      }),
      { numRuns: 2000 },
    );
    expect(sampleRandFor(traceId, true, 0)).toBeUndefined();
    expect(sampleRandFor(traceId, false, 1)).toBeUndefined();
    expect(sampleRandFor(traceId, true, 1)).toBe('0.568522');
  });
});
