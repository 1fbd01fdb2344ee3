// OTLP/HTTP answers (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response). Success is
// an Export*ServiceResponse; with no partial success to report it is an empty message, which
// encodes to zero bytes in protobuf and to `{}` in JSON. Failures carry a google.rpc.Status.
import type { OtlpFormat } from './otlp-types.ts';

export const OTLP_CONTENT_TYPE: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The body format a Content-Type names, or undefined for one OTLP/HTTP does not define. */
export function otlpFormatOf(contentType: string | undefined): OtlpFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

export function otlpSuccessBody(format: OtlpFormat): Buffer {
  return format === 'json' ? Buffer.from('{}') : Buffer.alloc(0);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

/** gRPC status codes used in failure answers. */
export const RpcCode = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, internal: 13 } as const;

/** A google.rpc.Status { int32 code = 1; string message = 2; } in the request's format. */
export function otlpStatusBody(format: OtlpFormat, code: number, message: string): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message, 'utf8');
  return Buffer.from([0x08, ...varint(code), 0x12, ...varint(text.length), ...text]);
}
