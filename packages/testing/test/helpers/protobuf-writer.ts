// A minimal protobuf encoder for building test messages by hand: just enough to feed the
// decoder inputs no exporter produces (unsafe int64, unpacked lists, unknown fields).

export type Part = Uint8Array | number[];

export function concat(parts: Part[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

export function varint(value: bigint | number): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest > 0x7fn) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

export function tag(number: number, wireType: number): number[] {
  return varint((BigInt(number) << 3n) | BigInt(wireType));
}

export const field = {
  varint: (number: number, value: bigint | number): number[] => [...tag(number, 0), ...varint(value)],
  zigzag: (number: number, value: number): number[] => [
    ...tag(number, 0),
    ...varint(value >= 0 ? BigInt(value) * 2n : BigInt(-value) * 2n - 1n),
  ],
  fixed64: (number: number, value: bigint): number[] => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
    return [...tag(number, 1), ...bytes];
  },
  double: (number: number, value: number): number[] => {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    return [...tag(number, 1), ...bytes];
  },
  fixed32: (number: number, value: number): number[] => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value);
    return [...tag(number, 5), ...bytes];
  },
  bytes: (number: number, value: Part): number[] => [...tag(number, 2), ...varint(value.length), ...value],
  string: (number: number, value: string): number[] => field.bytes(number, [...Buffer.from(value, 'utf8')]),
  message: (number: number, ...parts: Part[]): number[] => field.bytes(number, concat(parts)),
};

/** A packed `repeated fixed64` / `repeated double` payload. */
export function packed64(values: (bigint | number)[], kind: 'fixed64' | 'double'): number[] {
  return values.flatMap((value) => {
    const bytes = Buffer.alloc(8);
    if (kind === 'double') bytes.writeDoubleLE(Number(value));
    else bytes.writeBigUInt64LE(BigInt(value));
    return [...bytes];
  });
}
