import { createHash } from 'node:crypto';

// sonic-boom 4.2.1 changed `SonicBoom#write` (utf8 mode) to measure the chunk it appends
// to with `Buffer.byteLength(bufs[bufs.length - 1])`. That chunk is a string built with
// `+=` from every line waiting for the write in flight, so V8 flattens and scans all of
// it on each line: under load a line costs a copy of up to `maxWrite` (16 kB) bytes, and
// a longer line (tracewire's carries request and trace IDs) fills the chunk sooner. The
// replacement below is the same function, except that it remembers the byte length of
// the chunk it last appended to. It is installed only on a destination whose `write` is
// exactly the function it replaces (4.2.1 to 5.0.2 at least): a sonic-boom that changes
// `write` in any way, or a destination that is not sonic-boom, keeps its own.

/** SHA-256 of the source text of the `write` functions the replacement is equivalent to. */
const REPLACEABLE_WRITE_SOURCES = new Set([
  '3298783de463fc334aba592ce2ebc3e0b7d7d166ba567ba674ccd39efe705e03',
]);

/** The sonic-boom fields `write` uses; sonic-boom has no public API for them. */
interface SonicBoomWriteState {
  destroyed: boolean;
  _bufs: unknown[];
  _len: number;
  _hwm: number;
  _writing: boolean;
  maxLength: number;
  maxWrite: number;
  minLength: number;
  _actualWrite(): void;
  emit(event: string, value: unknown): boolean;
  write(data: unknown): boolean;
}

const replacedDestinations = new WeakSet<object>();

function isReplaceableSonicBoom(stream: unknown): stream is SonicBoomWriteState {
  if (typeof stream !== 'object' || stream === null) return false;
  const candidate = stream as Partial<SonicBoomWriteState>;
  if (typeof candidate.write !== 'function' || !Object.hasOwn(candidate, 'write')) return false;
  if (!Array.isArray(candidate._bufs) || typeof candidate._actualWrite !== 'function') return false;
  const source = Function.prototype.toString.call(candidate.write);
  return REPLACEABLE_WRITE_SOURCES.has(createHash('sha256').update(source).digest('hex'));
}

/**
 * Gives a sonic-boom destination (pino's default, `pino.destination()`) a `write` that
 * behaves exactly as its own (same chunks, return values, `drop` events and writes)
 * without measuring the whole pending chunk on every line. Returns whether it did; any
 * other destination is left as it is.
 *
 * @example
 * const destination = pino.destination(1);
 * replaceSonicBoomWrite(destination);
 * const logger = pino(destination);
 */
export function replaceSonicBoomWrite(stream: unknown): boolean {
  if (replacedDestinations.has(stream as object)) return true;
  if (!isReplaceableSonicBoom(stream)) return false;
  // The chunk this write last appended to and its byte length. A chunk is compared by
  // value: the same string object is a pointer comparison; another chunk (sonic-boom's
  // flushSync puts back a partly written one) is measured as before.
  let lastChunk: unknown;
  let lastChunkBytes = 0;
  stream.write = function write(this: SonicBoomWriteState, input: unknown): boolean {
    if (this.destroyed) {
      throw new Error('SonicBoom destroyed');
    }
    // `'' + input` as sonic-boom has it: a template literal would prefer `toString` over `valueOf`.
    // biome-ignore lint/style/useTemplate: the coercion must be sonic-boom's own
    const data = '' + input;
    const dataLen = Buffer.byteLength(data);
    const len = this._len + dataLen;
    const bufs = this._bufs;

    if (this.maxLength && len > this.maxLength) {
      this.emit('drop', data);
      return this._len < this._hwm;
    }

    const last = bufs.length - 1;
    const tail = last === -1 ? undefined : bufs[last];
    const tailBytes =
      last === -1 ? 0 : tail === lastChunk ? lastChunkBytes : Buffer.byteLength(tail as string | Buffer);
    if (last === -1 || tailBytes + dataLen > this.maxWrite) {
      bufs.push(data);
      lastChunk = data;
      lastChunkBytes = dataLen;
    } else {
      const chunk = (tail as string) + data;
      bufs[last] = chunk;
      lastChunk = chunk;
      lastChunkBytes = tailBytes + dataLen;
    }

    this._len = len;

    if (!this._writing && this._len >= this.minLength) {
      this._actualWrite();
    }

    return this._len < this._hwm;
  };
  replacedDestinations.add(stream);
  return true;
}
