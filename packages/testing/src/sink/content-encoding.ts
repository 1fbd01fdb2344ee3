// Request bodies arrive compressed: the Sentry Node transport gzips envelopes over 32 KiB,
// OTel exporters gzip with `compression: 'gzip'`, browsers and other SDKs use deflate or br.
import zlib from 'node:zlib';

/** Raised for a Content-Encoding the sink cannot undo, or a body that does not decompress. */
export class ContentEncodingError extends Error {
  override readonly name = 'ContentEncodingError';
  /** True when the encoding itself is unknown (415), false when the body is corrupt (400). */
  readonly unsupported: boolean;

  constructor(message: string, unsupported: boolean) {
    super(message);
    this.unsupported = unsupported;
  }
}

function inflate(body: Buffer): Buffer {
  try {
    return zlib.inflateSync(body);
  } catch {
    // "deflate" means zlib-wrapped data, but some clients send the raw stream.
    return zlib.inflateRawSync(body);
  }
}

const DECODERS: Record<string, (body: Buffer) => Buffer> = {
  gzip: (body) => zlib.gunzipSync(body),
  'x-gzip': (body) => zlib.gunzipSync(body),
  deflate: inflate,
  br: (body) => zlib.brotliDecompressSync(body),
  ...('zstdDecompressSync' in zlib
    ? {
        zstd: (body: Buffer) =>
          (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(body),
      }
    : {}),
};

/** Undoes `Content-Encoding` (a comma-separated list, applied in order, so undone in reverse). */
export function decodeContentEncoding(body: Buffer, header: string | undefined): Buffer {
  const encodings = (header ?? '')
    .split(',')
    .map((encoding) => encoding.trim().toLowerCase())
    .filter((encoding) => encoding !== '' && encoding !== 'identity');
  let decoded = body;
  for (const encoding of encodings.reverse()) {
    const decoder = DECODERS[encoding];
    if (!decoder)
      throw new ContentEncodingError(`unsupported Content-Encoding ${JSON.stringify(encoding)}`, true);
    try {
      decoded = decoder(decoded);
    } catch (error) {
      throw new ContentEncodingError(`body is not valid ${encoding}: ${(error as Error).message}`, false);
    }
  }
  return decoded;
}
