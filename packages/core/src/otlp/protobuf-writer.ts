/** Protobuf wire types used by OTLP. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

// A nested message's length is written in front of it once its size is known. One byte
// is reserved, enough for the many small messages (a KeyValue, an AnyValue) so that they
// are never moved; a longer message is moved forward by the bytes its length needs more.
const RESERVED_LENGTH_BYTES = 1;
const TWO_POW_32 = 2 ** 32;
// Strings up to this many UTF-16 units are tried as ASCII, byte by byte in JavaScript,
// which is cheaper for short strings than a call into Buffer's native UTF-8 writer.
const ASCII_FAST_PATH_MAX = 0x7f;
/** The value of each hex digit by character code, -1 for others. */
const HEX_DIGIT_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let digit = 0; digit < 16; digit++) {
    values['0123456789abcdef'.charCodeAt(digit)] = digit;
    values['0123456789ABCDEF'.charCodeAt(digit)] = digit;
  }
  return values;
})();

/**
 * Writes protobuf messages straight into one growing buffer, for the OTLP encoders:
 * fields are written as the data is walked, so an export builds no intermediate objects
 * and no per-field buffers. Default values are left out, as proto3 does.
 *
 * @example
 * const writer = new ProtobufWriter();
 * const span = writer.beginMessage(2);
 * writer.string(5, 'GET /users/:id');
 * writer.endMessage(span);
 * const body = writer.finish();
 */
export class ProtobufWriter {
  private buffer: Buffer;
  private position = 0;

  constructor(initialSize = 16 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** The bytes written so far, as a copy the writer no longer touches; the writer starts over. */
  finish(): Uint8Array {
    const bytes = new Uint8Array(this.position);
    bytes.set(this.buffer.subarray(0, this.position));
    this.position = 0;
    return bytes;
  }

  /** How many bytes have been written since the writer started or last finished. */
  get length(): number {
    return this.position;
  }

  /**
   * Drops what was written after the writer's `length` was `length`, so an encoder can
   * take back a message that failed half-way (messages begun before that stay open).
   */
  truncate(length: number): void {
    if (length >= 0 && length < this.position) this.position = length;
  }

  /** Starts a nested message in `field`; pass the result to `endMessage()`. */
  beginMessage(field: number): number {
    this.tag(field, LENGTH_DELIMITED);
    this.reserve(RESERVED_LENGTH_BYTES);
    this.position += RESERVED_LENGTH_BYTES;
    return this.position;
  }

  /** Ends the message `beginMessage()` started: writes its length in front of it. */
  endMessage(start: number): void {
    const length = this.position - start;
    const lengthAt = start - RESERVED_LENGTH_BYTES;
    if (length < 0x80) {
      this.buffer[lengthAt] = length;
      return;
    }
    const extra = varintSize(length) - RESERVED_LENGTH_BYTES;
    this.reserve(extra);
    this.buffer.copyWithin(start + extra, start, this.position);
    this.position += extra;
    let at = lengthAt;
    let value = length;
    while (value > 0x7f) {
      this.buffer[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buffer[at] = value;
  }

  /** A string field; the empty string is the default and is left out. */
  string(field: number, value: string): void {
    if (value === '') return;
    this.tag(field, LENGTH_DELIMITED);
    this.stringValue(value);
  }

  /** A string field written even when empty (a `KeyValue`'s key, a oneof member). */
  stringAlways(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.stringValue(value);
  }

  /**
   * A bytes field from hex (trace and span IDs), which the caller has checked is hex; the
   * empty string is left out.
   */
  hexBytes(field: number, hex: string): void {
    if (hex === '') return;
    const length = hex.length >>> 1;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.reserve(length);
    const buffer = this.buffer;
    let at = this.position;
    for (let index = 0; index < length * 2; index += 2) {
      const high = HEX_DIGIT_VALUES[hex.charCodeAt(index)] ?? 0;
      const low = HEX_DIGIT_VALUES[hex.charCodeAt(index + 1)] ?? 0;
      buffer[at++] = ((high << 4) | low) & 0xff;
    }
    this.position = at;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.position);
    this.position += value.length;
  }

  /** An unsigned 32-bit integer or enum; 0 is left out. */
  uint32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.varint(value >>> 0);
  }

  /** A bool written even when false (a oneof member). */
  boolAlways(field: number, value: boolean): void {
    this.tag(field, VARINT);
    this.reserve(1);
    this.buffer[this.position++] = value ? 1 : 0;
  }

  /** A signed 64-bit integer from a safe integer, written even when 0 (a oneof member). */
  int64Always(field: number, value: number): void {
    this.tag(field, VARINT);
    if (value >= 0) {
      this.varint(value);
      return;
    }
    // Negative: the two's complement over 64 bits, ten bytes.
    let low = (value % TWO_POW_32) >>> 0;
    let high = Math.floor(value / TWO_POW_32) >>> 0;
    this.reserve(10);
    for (let i = 0; i < 9; i++) {
      this.buffer[this.position++] = (low & 0x7f) | 0x80;
      low = (low >>> 7) | ((high & 0x7f) << 25);
      high >>>= 7;
    }
    this.buffer[this.position++] = low & 0x01;
  }

  /** A double written even when 0 (a oneof member). */
  doubleAlways(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.position);
    this.position += 8;
  }

  /** A fixed 32-bit field; 0 is left out. */
  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, FIXED32);
    this.reserve(4);
    this.buffer.writeUInt32LE(value >>> 0, this.position);
    this.position += 4;
  }

  /**
   * A fixed 64-bit time in nanoseconds, given as whole seconds and nanoseconds (an
   * OpenTelemetry `HrTime`); zero is left out. Split so that no step leaves the range
   * where doubles are exact.
   */
  fixed64Time(field: number, seconds: number, nanoseconds: number): void {
    if (seconds === 0 && nanoseconds === 0) return;
    // seconds * 1e9 = (high16 * 2^16 + low16) * 1e9, each product below 2^46.
    const high16 = Math.floor(seconds / 65536);
    const low16 = seconds - high16 * 65536;
    const upper = high16 * 1e9;
    const lowerSum = (upper % 65536) * 65536 + low16 * 1e9 + nanoseconds;
    const low = lowerSum % TWO_POW_32;
    const high = Math.floor(upper / 65536) + Math.floor(lowerSum / TWO_POW_32);
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buffer.writeUInt32LE(low, this.position);
    this.buffer.writeUInt32LE(high >>> 0, this.position + 4);
    this.position += 8;
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A varint of a non-negative safe integer. */
  private varint(value: number): void {
    this.reserve(10);
    if (value < 0x80) {
      this.buffer[this.position++] = value;
      return;
    }
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.position++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buffer[this.position++] = rest;
  }

  private stringValue(value: string): void {
    const units = value.length;
    if (units <= ASCII_FAST_PATH_MAX) {
      this.reserve(1 + units * 3);
      const buffer = this.buffer;
      const start = this.position + 1;
      let index = 0;
      for (; index < units; index++) {
        const code = value.charCodeAt(index);
        if (code >= 0x80) break;
        buffer[start + index] = code;
      }
      if (index === units) {
        buffer[this.position] = units;
        this.position = start + units;
        return;
      }
      // Not ASCII: up to three bytes per UTF-16 unit; a string whose worst case fits a
      // one-byte length is written first and measured after.
      if (units * 3 < 0x80) {
        const written = buffer.write(value, start, 'utf8');
        buffer[this.position] = written;
        this.position = start + written;
        return;
      }
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.reserve(length);
    this.position += this.buffer.write(value, this.position, length, 'utf8');
  }

  private reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}

function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
