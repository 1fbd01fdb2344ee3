// The wire-format decoder on hand-built bytes: every wire type, the edge values of each
// scalar, malformed input, and OTLP messages no exporter would produce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOtlpLogs, decodeOtlpMetrics, decodeOtlpTraces } from '../src/index.ts';
import {
  asDouble,
  asFixed32,
  asFixed64,
  asRepeatedDouble,
  asRepeatedFixed64,
  asRepeatedUnsignedVarint,
  asSfixed64,
  asSignedVarint,
  asString,
  asUnsignedVarint,
  asZigZagVarint,
  ProtobufDecodeError,
  ProtobufMessage,
  readFields,
  readVarint,
} from '../src/protobuf/protobuf-reader.ts';
import { concat, field, packed64, tag, varint } from './helpers/protobuf-writer.ts';

describe('varints', () => {
  it.each([
    [0n, [0x00]],
    [1n, [0x01]],
    [127n, [0x7f]],
    [128n, [0x80, 0x01]],
    [300n, [0xac, 0x02]],
    [2n ** 32n, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [2n ** 64n - 1n, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('reads %s', (value, bytes) => {
    expect(readVarint(Uint8Array.from(bytes), 0)).toEqual([value, bytes.length]);
  });

  it('round-trips any uint64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (value) => {
        const bytes = Uint8Array.from(varint(value));
        expect(readVarint(bytes, 0)).toEqual([value, bytes.length]);
      }),
    );
  });

  it('reads int64 as two’s complement and sint as zigzag', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const [signed] = new ProtobufMessage(Uint8Array.from(field.varint(1, value))).fields;
        expect(asSignedVarint(signed!)).toBe(value);
      }),
    );
    for (const value of [0, -1, 1, -2, 2147483647, -2147483648]) {
      const [zigzag] = new ProtobufMessage(Uint8Array.from(field.zigzag(1, value))).fields;
      expect(asZigZagVarint(zigzag!)).toBe(BigInt(value));
    }
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => readVarint(Uint8Array.from([0x80, 0x80]), 0)).toThrow(ProtobufDecodeError);
    expect(() => readVarint(Uint8Array.from(Array(11).fill(0x80)), 0)).toThrow(/longer than 10 bytes/);
  });
});

describe('fields', () => {
  it('reads every wire type with its field number', () => {
    const bytes = concat([
      field.varint(1, 150),
      field.fixed64(2, 2n ** 63n + 5n),
      field.string(3, 'héllo'),
      field.fixed32(4, 0xdeadbeef),
      field.double(5, -1.5),
      field.fixed64(6, -2n),
      field.varint(536870911, 1), // the largest field number
    ]);
    const message = new ProtobufMessage(bytes);
    expect(message.fields.map((f) => [f.number, f.wireType])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 5],
      [5, 1],
      [6, 1],
      [536870911, 0],
    ]);
    expect(asUnsignedVarint(message.last(1)!)).toBe(150n);
    expect(asFixed64(message.last(2)!)).toBe(2n ** 63n + 5n);
    expect(asString(message.last(3)!)).toBe('héllo');
    expect(asFixed32(message.last(4)!)).toBe(0xdeadbeef);
    expect(asDouble(message.last(5)!)).toBe(-1.5);
    expect(asSfixed64(message.last(6)!)).toBe(-2n);
  });

  it('keeps repeated fields in order and lets the last singular value win', () => {
    const message = new ProtobufMessage(
      concat([field.varint(1, 1), field.string(2, 'x'), field.varint(1, 2)]),
    );
    expect(message.all(1).map(asUnsignedVarint)).toEqual([1n, 2n]);
    expect(asUnsignedVarint(message.last(1)!)).toBe(2n);
    expect(message.lastOf([1, 2])?.number).toBe(1);
  });

  it('reads packed and unpacked repeated 64-bit and varint scalars', () => {
    const message = new ProtobufMessage(
      concat([
        field.bytes(1, packed64([1n, 2n ** 40n], 'fixed64')),
        field.fixed64(1, 3n),
        field.bytes(2, packed64([0.5, -2], 'double')),
        field.double(2, 8),
        field.bytes(3, [...varint(1), ...varint(300)]),
        field.varint(3, 7),
      ]),
    );
    expect(asRepeatedFixed64(message.all(1))).toEqual([1n, 2n ** 40n, 3n]);
    expect(asRepeatedDouble(message.all(2))).toEqual([0.5, -2, 8]);
    expect(asRepeatedUnsignedVarint(message.all(3))).toEqual([1n, 300n, 7n]);
    expect(() =>
      asRepeatedFixed64([...new ProtobufMessage(Uint8Array.from(field.bytes(1, [1, 2, 3]))).fields]),
    ).toThrow(/multiple of 8/);
  });

  it('rejects malformed messages', () => {
    expect(() => readFields(Uint8Array.from([...tag(1, 2), 5, 1, 2]))).toThrow(/overruns/);
    expect(() => readFields(Uint8Array.from([...tag(1, 1), 1, 2, 3]))).toThrow(/truncated 64-bit/);
    expect(() => readFields(Uint8Array.from([...tag(1, 5), 1]))).toThrow(/truncated 32-bit/);
    expect(() => readFields(Uint8Array.from([...tag(1, 3)]))).toThrow(/wire type 3/);
    expect(() => readFields(Uint8Array.from([...tag(1, 4)]))).toThrow(/wire type 4/);
    expect(() => readFields(Uint8Array.from([0x00, 0x00]))).toThrow(/field number 0/);
    expect(() => asString(readFields(Uint8Array.from(field.bytes(1, [0xff, 0xfe])))[0]!)).toThrow(/UTF-8/);
    expect(() => asFixed64(readFields(Uint8Array.from(field.varint(1, 1)))[0]!)).toThrow(
      /wire type 0, expected 1/,
    );
  });
});

// OTLP messages built by field number, for the cases real exporters never produce.
const anyValue = {
  string: (value: string) => field.string(1, value),
  bool: (value: boolean) => field.varint(2, value ? 1 : 0),
  int: (value: bigint) => field.varint(3, value),
  double: (value: number) => field.double(4, value),
  array: (...values: number[][]) => field.message(5, ...values.map((value) => field.message(1, value))),
  kvlist: (...pairs: number[][]) => field.message(6, ...pairs),
  bytes: (value: number[]) => field.bytes(7, value),
};
const keyValue = (key: string, value: number[], number = 1) =>
  field.message(number, field.string(1, key), field.message(2, value));

function traceRequest(...spanParts: number[][]): Uint8Array {
  return concat([
    field.message(
      1, // ResourceSpans
      field.message(1, keyValue('service.name', anyValue.string('svc'))),
      field.message(
        2, // ScopeSpans
        field.message(1, field.string(1, 'scope')),
        field.message(2, ...spanParts),
      ),
    ),
  ]);
}

describe('OTLP protobuf decoding', () => {
  it('decodes every AnyValue kind, including int64 beyond 2^53', () => {
    const [span] = decodeOtlpTraces(
      traceRequest(
        field.bytes(1, Array(16).fill(0xab)),
        field.bytes(2, [1, 2, 3, 4, 5, 6, 7, 8]),
        field.string(5, 'edge values'),
        keyValue('s', anyValue.string('text'), 9),
        keyValue('t', anyValue.bool(true), 9),
        keyValue('f', anyValue.bool(false), 9),
        keyValue('small', anyValue.int(-42n), 9),
        keyValue('big', anyValue.int(2n ** 62n), 9),
        keyValue('negative big', anyValue.int(-(2n ** 62n)), 9),
        keyValue('d', anyValue.double(Number.NaN), 9),
        keyValue('arr', anyValue.array(anyValue.string('a'), anyValue.int(1n), []), 9),
        keyValue(
          'map',
          anyValue.kvlist(keyValue('inner', anyValue.kvlist(keyValue('x', anyValue.bool(true))))),
          9,
        ),
        keyValue('raw', anyValue.bytes([0, 255]), 9),
        keyValue('empty', [], 9),
        // A oneof sent twice: the last member on the wire wins.
        keyValue('oneof', [...anyValue.string('first'), ...anyValue.int(2n)], 9),
      ),
    );
    expect(span!.traceId).toBe('ab'.repeat(16));
    expect(span!.spanId).toBe('0102030405060708');
    expect(span!.attributes).toEqual({
      s: 'text',
      t: true,
      f: false,
      small: -42,
      big: 2n ** 62n,
      'negative big': -(2n ** 62n),
      d: Number.NaN,
      arr: ['a', 1, undefined],
      map: { inner: { x: true } },
      raw: new Uint8Array([0, 255]),
      empty: undefined,
      oneof: 2,
    });
    expect(span!.resource).toEqual({ 'service.name': 'svc' });
    expect(span!.scope).toEqual({ name: 'scope', version: undefined, attributes: {} });
  });

  it('applies proto3 defaults to absent fields and ignores unknown ones', () => {
    const [span] = decodeOtlpTraces(
      traceRequest(field.string(5, 'bare'), field.string(99, 'from a future OTLP'), field.fixed64(100, 1n)),
    );
    expect(span).toMatchObject({
      traceId: '',
      spanId: '',
      parentSpanId: undefined,
      flags: undefined,
      kind: 'unspecified',
      startTimeUnixNano: '0',
      attributes: {},
      status: { code: 0, message: '' },
      events: [],
      links: [],
    });
  });

  it('decodes 64-bit timestamps exactly', () => {
    const start = 1_700_000_000_123_456_789n;
    const [span] = decodeOtlpTraces(traceRequest(field.fixed64(7, start), field.fixed64(8, start + 1n)));
    expect(span!.startTimeUnixNano).toBe('1700000000123456789');
    expect(span!.endTimeUnixNano).toBe('1700000000123456790');
  });

  it('decodes summaries and exemplars', () => {
    const exemplar = field.message(
      5, // NumberDataPoint.exemplars
      field.fixed64(2, 10n),
      field.double(3, 0.25),
      field.bytes(4, Array(8).fill(0x11)),
      field.bytes(5, Array(16).fill(0x22)),
      keyValue('user', anyValue.string('u1'), 7),
    );
    const body = concat([
      field.message(
        1,
        field.message(
          2,
          field.message(
            2,
            field.string(1, 'rpc.duration'),
            field.message(
              11,
              field.message(
                1,
                field.fixed64(4, 3n),
                field.double(5, 9),
                field.message(6, field.double(1, 0.5), field.double(2, 2)),
              ),
            ),
          ),
          field.message(
            2,
            field.string(1, 'g'),
            field.message(5, field.message(1, field.fixed64(6, 7n), exemplar)),
          ),
        ),
      ),
    ]);
    const [summary, gauge] = decodeOtlpMetrics(body);
    expect(summary).toMatchObject({
      type: 'summary',
      count: 3,
      sum: 9,
      quantileValues: [{ quantile: 0.5, value: 2 }],
    });
    expect(gauge).toMatchObject({
      type: 'gauge',
      value: 7,
      exemplars: [
        {
          traceId: '22'.repeat(16),
          spanId: '11'.repeat(8),
          timeUnixNano: '10',
          value: 0.25,
          filteredAttributes: { user: 'u1' },
        },
      ],
    });
  });

  it('names what is wrong with a malformed request', () => {
    expect(() => decodeOtlpLogs(Uint8Array.from([0x0a, 0x05, 0x01]))).toThrow(
      expect.objectContaining({
        name: 'OtlpDecodeError',
        message: expect.stringContaining('ExportLogsServiceRequest'),
      }),
    );
  });
});

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
