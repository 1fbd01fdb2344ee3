// The JSON decoder on bodies no exporter would send: 64-bit integers as numbers or strings,
// enum names, base64 and hex IDs, special doubles, and bodies that are not requests.
import { describe, expect, it } from 'vitest';
import { decodeOtlpLogs, decodeOtlpTraces } from '../src/index.ts';

describe('OTLP JSON decoding', () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('accepts 64-bit integers as strings or numbers, enum names, base64 IDs and special doubles', () => {
    const [span] = decodeOtlpTraces(
      json({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: Buffer.alloc(16, 0xab).toString('base64'),
                    spanId: 'AQIDBAUGBwg=',
                    parentSpanId: '',
                    name: 'json',
                    kind: 'SPAN_KIND_CONSUMER',
                    startTimeUnixNano: 1700000000000000000,
                    endTimeUnixNano: '1700000000000000001',
                    status: { code: 'STATUS_CODE_ERROR' },
                    attributes: [
                      { key: 'big', value: { intValue: '9007199254740993' } },
                      { key: 'n', value: { intValue: 5 } },
                      { key: 'inf', value: { doubleValue: 'Infinity' } },
                      { key: 'raw', value: { bytesValue: 'AP8=' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
      { format: 'json' },
    );
    expect(span).toMatchObject({
      traceId: 'ab'.repeat(16),
      spanId: '0102030405060708',
      parentSpanId: undefined,
      kind: 'consumer',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000000000001',
      status: { code: 2, message: '' },
      attributes: {
        big: 9007199254740993n,
        n: 5,
        inf: Number.POSITIVE_INFINITY,
        raw: new Uint8Array([0, 255]),
      },
    });
  });

  it('lowercases hex IDs and rejects IDs of the wrong size', () => {
    const request = (traceId: string) =>
      json({
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ traceId, spanId: '', body: { stringValue: 'x' } }] }] },
        ],
      });
    expect(decodeOtlpLogs(request('AB'.repeat(16)), { format: 'json' })[0]?.traceId).toBe('ab'.repeat(16));
    expect(() => decodeOtlpLogs(request('abc'), { format: 'json' })).toThrow(/invalid ID/);
  });

  it('rejects bodies that are not JSON objects', () => {
    expect(() => decodeOtlpTraces(Buffer.from('[]'), { format: 'json' })).toThrow(/must be an object/);
    expect(() => decodeOtlpTraces(Buffer.from('{'), { format: 'json' })).toThrow(/not a JSON/);
  });
});
