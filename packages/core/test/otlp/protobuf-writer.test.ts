import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from '../../src/otlp/protobuf-writer.ts';

/** Reads one length-delimited field back: its tag, the length its prefix says, and the content. */
function readLengthDelimited(
  bytes: Uint8Array,
  at = 0,
): { tag: number; length: number; content: Uint8Array } {
  let position = at;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[position++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  const tag = varint();
  const length = varint();
  return { tag, length, content: bytes.subarray(position, position + length) };
}

describe('ProtobufWriter', () => {
  it.each([0, 1, 127, 128, 300, 16_383, 16_384, 70_000, 2_100_000])(
    'writes the length of a %i-byte message in front of it, nested or not',
    (size) => {
      const writer = new ProtobufWriter(64);
      const outer = writer.beginMessage(1);
      const inner = writer.beginMessage(2);
      if (size > 0) writer.bytes(3, new Uint8Array(size).fill(7));
      writer.endMessage(inner);
      writer.string(4, 'after');
      writer.endMessage(outer);
      const body = writer.finish();

      const outerField = readLengthDelimited(body);
      expect(outerField.tag).toBe((1 << 3) | 2);
      expect(outerField.content.length).toBe(outerField.length);
      expect(body.length).toBe(outerField.content.byteOffset - body.byteOffset + outerField.length);
      const innerField = readLengthDelimited(outerField.content);
      expect(innerField.tag).toBe((2 << 3) | 2);
      if (size > 0) {
        const bytesField = readLengthDelimited(innerField.content);
        expect(bytesField.length).toBe(size);
        expect(bytesField.content.every((byte) => byte === 7)).toBe(true);
      } else {
        expect(innerField.length).toBe(0);
      }
      const afterAt = innerField.content.byteOffset - outerField.content.byteOffset + innerField.length;
      const afterField = readLengthDelimited(outerField.content, afterAt);
      expect(Buffer.from(afterField.content).toString('utf8')).toBe('after');
    },
  );

  it.each([
    ['short ASCII', 'GET /users/:id'],
    ['127 ASCII characters', 'a'.repeat(127)],
    ['long ASCII', 'b'.repeat(1000)],
    ['short non-ASCII', 'Zürich ✓ 🚀'],
    ['non-ASCII past the one-byte length', 'é'.repeat(100)],
    ['a lone surrogate', 'x\ud800y'],
  ])('writes %s as UTF-8 with its byte length', (_, value) => {
    const writer = new ProtobufWriter(8);
    writer.stringAlways(1, value);
    const field = readLengthDelimited(writer.finish());
    expect(field.length).toBe(Buffer.byteLength(value, 'utf8'));
    expect(Buffer.from(field.content).toString('utf8')).toBe(Buffer.from(value, 'utf8').toString('utf8'));
  });

  it('writes hex as bytes, in either case', () => {
    const writer = new ProtobufWriter();
    writer.hexBytes(9, '4bf92f3577b34da6a3ce929d0e0e4736');
    writer.hexBytes(10, '00F067AA0BA902B7');
    const body = writer.finish();
    const traceId = readLengthDelimited(body);
    expect(Buffer.from(traceId.content).toString('hex')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const spanId = readLengthDelimited(body, 2 + 16);
    expect(Buffer.from(spanId.content).toString('hex')).toBe('00f067aa0ba902b7');
  });

  it('takes back what was written after a length, inside an open message', () => {
    const writer = new ProtobufWriter(16);
    const outer = writer.beginMessage(1);
    writer.string(2, 'kept');
    const mark = writer.length;
    const abandoned = writer.beginMessage(3);
    writer.bytes(4, new Uint8Array(500));
    void abandoned;
    writer.truncate(mark);
    expect(writer.length).toBe(mark);
    writer.string(5, 'also kept');
    writer.endMessage(outer);
    const field = readLengthDelimited(writer.finish());
    const first = readLengthDelimited(field.content);
    expect(Buffer.from(first.content).toString()).toBe('kept');
    const second = readLengthDelimited(field.content, 2 + 4);
    expect(second.tag).toBe((5 << 3) | 2);
    expect(Buffer.from(second.content).toString()).toBe('also kept');
    expect(field.length).toBe(2 + 4 + 2 + 9);
  });
});
