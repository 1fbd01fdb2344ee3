// A decoder for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
// just large enough for OTLP. It knows nothing about schemas: a message decodes into its
// fields by number, and the OTLP schemas in ../otlp give those numbers their meaning.

/** The four wire types proto3 still uses; groups (3, 4) are long deprecated and rejected. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

export type WireTypeNumber = (typeof WireType)[keyof typeof WireType];

/** One field occurrence as it appears on the wire, before any schema gives it a type. */
export type ProtobufField =
  | { number: number; wireType: typeof WireType.varint; value: bigint }
  | { number: number; wireType: typeof WireType.fixed64; value: Uint8Array }
  | { number: number; wireType: typeof WireType.lengthDelimited; value: Uint8Array }
  | { number: number; wireType: typeof WireType.fixed32; value: Uint8Array };

/** Raised for bytes that are not a well-formed protobuf message. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

const MAX_VARINT_BYTES = 10;
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a base-128 varint at `offset`; returns the value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number): [value: bigint, next: number] {
  let result = 0n;
  let shift = 0n;
  for (let index = 0; index < MAX_VARINT_BYTES; index++) {
    const position = offset + index;
    if (position >= bytes.length) throw new ProtobufDecodeError(`truncated varint at byte ${offset}`);
    const byte = bytes[position]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      // A varint holds at most 64 bits; a tenth byte may only carry the top bit.
      return [BigInt.asUintN(64, result), position + 1];
    }
    shift += 7n;
  }
  throw new ProtobufDecodeError(`varint longer than ${MAX_VARINT_BYTES} bytes at byte ${offset}`);
}

/** Splits one message into its fields, in wire order; repeated fields appear once per occurrence. */
export function readFields(bytes: Uint8Array): ProtobufField[] {
  const fields: ProtobufField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, offset);
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number === 0) throw new ProtobufDecodeError(`field number 0 at byte ${offset}`);
    offset = afterTag;
    switch (wireType) {
      case WireType.varint: {
        const [value, next] = readVarint(bytes, offset);
        fields.push({ number, wireType, value });
        offset = next;
        break;
      }
      case WireType.fixed64:
      case WireType.fixed32: {
        const size = wireType === WireType.fixed64 ? 8 : 4;
        if (offset + size > bytes.length) {
          throw new ProtobufDecodeError(`truncated ${size * 8}-bit field ${number} at byte ${offset}`);
        }
        fields.push({ number, wireType, value: bytes.subarray(offset, offset + size) });
        offset += size;
        break;
      }
      case WireType.lengthDelimited: {
        const [length, start] = readVarint(bytes, offset);
        const end = start + Number(length);
        if (length > BigInt(bytes.length) || end > bytes.length) {
          throw new ProtobufDecodeError(
            `length-delimited field ${number} overruns the message at byte ${offset}`,
          );
        }
        fields.push({ number, wireType, value: bytes.subarray(start, end) });
        offset = end;
        break;
      }
      default:
        throw new ProtobufDecodeError(
          `unsupported wire type ${wireType} for field ${number} at byte ${offset}`,
        );
    }
  }
  return fields;
}

function expectWireType<W extends WireTypeNumber>(
  field: ProtobufField,
  wireType: W,
): Extract<ProtobufField, { wireType: W }> {
  if (field.wireType !== wireType) {
    throw new ProtobufDecodeError(
      `field ${field.number} has wire type ${field.wireType}, expected ${wireType}`,
    );
  }
  return field as Extract<ProtobufField, { wireType: W }>;
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `string`: UTF-8 text; invalid UTF-8 is a decode error, as proto3 requires. */
export function asString(field: ProtobufField): string {
  const bytes = expectWireType(field, WireType.lengthDelimited).value;
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new ProtobufDecodeError(`field ${field.number} is not valid UTF-8`);
  }
}

/** `bytes` and embedded messages: the raw payload. */
export function asBytes(field: ProtobufField): Uint8Array {
  return expectWireType(field, WireType.lengthDelimited).value;
}

/** `uint32`, `uint64`, enums, `bool`: the varint as an unsigned 64-bit integer. */
export function asUnsignedVarint(field: ProtobufField): bigint {
  return expectWireType(field, WireType.varint).value;
}

/** `int32`, `int64`, enums with negative values: the varint as two's complement. */
export function asSignedVarint(field: ProtobufField): bigint {
  return BigInt.asIntN(64, expectWireType(field, WireType.varint).value);
}

/** `sint32`, `sint64`: zigzag-encoded, so small negatives stay small on the wire. */
export function asZigZagVarint(field: ProtobufField): bigint {
  return zigZagDecode(expectWireType(field, WireType.varint).value);
}

export function zigZagDecode(value: bigint): bigint {
  return (value >> 1n) ^ -(value & 1n);
}

export function asBool(field: ProtobufField): boolean {
  return asUnsignedVarint(field) !== 0n;
}

/** `fixed64` (unsigned), little-endian. */
export function asFixed64(field: ProtobufField): bigint {
  return dataView(expectWireType(field, WireType.fixed64).value).getBigUint64(0, true);
}

/** `sfixed64` (signed), little-endian. */
export function asSfixed64(field: ProtobufField): bigint {
  return dataView(expectWireType(field, WireType.fixed64).value).getBigInt64(0, true);
}

export function asDouble(field: ProtobufField): number {
  return dataView(expectWireType(field, WireType.fixed64).value).getFloat64(0, true);
}

/** `fixed32` (unsigned), little-endian. */
export function asFixed32(field: ProtobufField): number {
  return dataView(expectWireType(field, WireType.fixed32).value).getUint32(0, true);
}

/**
 * A repeated 64-bit scalar (`repeated fixed64` / `repeated double`). proto3 packs these
 * into one length-delimited field, but a parser must also accept them unpacked, one field
 * per element, so both forms are read.
 */
function readRepeated64<T>(fields: ProtobufField[], read: (view: DataView, offset: number) => T): T[] {
  const values: T[] = [];
  for (const field of fields) {
    if (field.wireType === WireType.fixed64) {
      values.push(read(dataView(field.value), 0));
    } else if (field.wireType === WireType.lengthDelimited) {
      if (field.value.length % 8 !== 0) {
        throw new ProtobufDecodeError(`packed field ${field.number} is not a multiple of 8 bytes`);
      }
      const view = dataView(field.value);
      for (let offset = 0; offset < field.value.length; offset += 8) values.push(read(view, offset));
    } else {
      throw new ProtobufDecodeError(
        `field ${field.number} has wire type ${field.wireType}, expected a 64-bit list`,
      );
    }
  }
  return values;
}

export function asRepeatedFixed64(fields: ProtobufField[]): bigint[] {
  return readRepeated64(fields, (view, offset) => view.getBigUint64(offset, true));
}

export function asRepeatedDouble(fields: ProtobufField[]): number[] {
  return readRepeated64(fields, (view, offset) => view.getFloat64(offset, true));
}

/** A repeated varint scalar (`repeated uint64`), packed or not. */
export function asRepeatedUnsignedVarint(fields: ProtobufField[]): bigint[] {
  const values: bigint[] = [];
  for (const field of fields) {
    if (field.wireType === WireType.varint) {
      values.push(field.value);
    } else if (field.wireType === WireType.lengthDelimited) {
      let offset = 0;
      while (offset < field.value.length) {
        const [value, next] = readVarint(field.value, offset);
        values.push(value);
        offset = next;
      }
    } else {
      throw new ProtobufDecodeError(
        `field ${field.number} has wire type ${field.wireType}, expected a varint list`,
      );
    }
  }
  return values;
}

/**
 * A message's fields grouped by number. Schemas read singular fields with `last()` (proto3:
 * the last occurrence wins) and repeated ones with `all()`; unknown numbers are ignored, as
 * the protobuf spec requires of parsers. A singular embedded message sent twice should be
 * merged; no OTLP sender splits one, so `message()` takes the last.
 */
export class ProtobufMessage {
  readonly #byNumber = new Map<number, ProtobufField[]>();
  /** Every field in wire order. */
  readonly fields: readonly ProtobufField[];

  constructor(bytes: Uint8Array) {
    this.fields = readFields(bytes);
    for (const field of this.fields) {
      const list = this.#byNumber.get(field.number);
      if (list) list.push(field);
      else this.#byNumber.set(field.number, [field]);
    }
  }

  has(number: number): boolean {
    return this.#byNumber.has(number);
  }

  last(number: number): ProtobufField | undefined {
    return this.#byNumber.get(number)?.at(-1);
  }

  /** The member of a `oneof` that is set: the last of `numbers` on the wire, as proto3 says. */
  lastOf(numbers: readonly number[]): ProtobufField | undefined {
    return this.fields.findLast((field) => numbers.includes(field.number));
  }

  all(number: number): ProtobufField[] {
    return this.#byNumber.get(number) ?? [];
  }

  /** Each occurrence of an embedded-message field, decoded. */
  messages(number: number): ProtobufMessage[] {
    return this.all(number).map((field) => new ProtobufMessage(asBytes(field)));
  }

  /** The embedded message at `number`, or undefined when absent. */
  message(number: number): ProtobufMessage | undefined {
    const field = this.last(number);
    return field ? new ProtobufMessage(asBytes(field)) : undefined;
  }
}
