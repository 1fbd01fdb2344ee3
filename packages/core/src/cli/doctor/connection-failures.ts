import type { ProbeOutcome } from './doctor-network.ts';

/** A cause in words and the change that removes it. */
export interface Diagnosis {
  message: string;
  fix: string;
}

const TLS_PLAIN_PORT = /wrong version number|packet length too long|unknown protocol|http request/i;
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Explains why a request got no HTTP answer, from the socket error Node reported. The
 * three mistakes that look alike from the outside are told apart here: an HTTP/2 (gRPC)
 * port answers HTTP/1.1 with binary frames the parser rejects; an `https://` URL to a
 * plain port fails its TLS handshake on the server's plain-text reply; a closed port
 * refuses the connection.
 *
 * @example
 * describeConnectionFailure({ kind: 'error', code: 'ECONNREFUSED', message: '' }, new URL('http://collector:4318'), 'the collector');
 * // { message: 'nothing listens at collector:4318 (connection refused).', fix: 'Start the collector, …' }
 */
export function describeConnectionFailure(
  outcome: Exclude<ProbeOutcome, { kind: 'response' }>,
  url: URL,
  what: string,
): Diagnosis {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  if (outcome.kind === 'timeout') {
    return {
      message: `${where} did not answer within ${outcome.timeoutMs} ms.`,
      fix: `Check that ${what} is up and that nothing between this host and ${where} drops packets (a firewall, a wrong port that accepts but never answers); raise --timeout if it is only slow.`,
    };
  }
  const { code, message } = outcome;
  if (code === 'ECONNREFUSED') {
    return {
      message: `nothing listens at ${where} (connection refused).`,
      fix: `Start ${what}, or correct the host and port.`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return {
      message: `the host name ${url.hostname} does not resolve (${code}).`,
      fix: `Correct the host name; private names (*.railway.internal, cluster DNS) resolve only inside that network.`,
    };
  }
  if (code.startsWith('HPE_')) {
    return {
      message: `${where} does not speak HTTP/1.1: it answered with binary (HTTP/2) framing, as an OTLP/gRPC port (4317) does.`,
      fix: "tracewire sends OTLP over HTTP: use the receiver's OTLP/HTTP port (4318 on a collector or Tempo).",
    };
  }
  if (
    url.protocol === 'https:' &&
    (code === 'EPROTO' || code.startsWith('ERR_SSL')) &&
    TLS_PLAIN_PORT.test(message)
  ) {
    return {
      message: `the TLS handshake with ${where} failed: the port answers plain HTTP, not TLS.`,
      fix: `Use http:// for this port, or the port where ${what} serves TLS.`,
    };
  }
  if (CERTIFICATE_CODES.has(code)) {
    return {
      message: `${where} presented a certificate Node does not trust (${code}).`,
      fix: 'Give Node the issuing CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem, or fix the certificate (its name must match the host).',
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    const grpc = url.port === '4317';
    return {
      message: grpc
        ? `${where} closed the connection: 4317 is the OTLP/gRPC port, which does not answer HTTP/1.1.`
        : `${where} closed the connection without an answer${url.protocol === 'http:' ? ' (an HTTPS-only or HTTP/2-only port does that to plain HTTP/1.1)' : ''}.`,
      fix: grpc
        ? "tracewire sends OTLP over HTTP: use the receiver's OTLP/HTTP port (4318)."
        : `Check the port and the scheme (http:// or https://) ${what} expects.`,
    };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return {
      message: `${where} is unreachable from here (${code}).`,
      fix: 'Check the network path; an IPv6-only address needs IPv6 networking on this host.',
    };
  }
  return {
    message: `the request to ${where} failed (${code}).`,
    fix: `Check the URL and that ${what} is reachable from this host.`,
  };
}

/**
 * Reads a `Retry-After` header (seconds, or an HTTP date) as seconds from now.
 *
 * @example
 * retryAfterSeconds('30'); // 30
 */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The `detail` of a JSON error body, or the start of a plain-text one, for quoting. */
export function bodyExcerpt(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; message?: unknown };
    const detail = parsed.detail ?? parsed.message;
    if (typeof detail === 'string' && detail !== '') return detail.slice(0, 200);
  } catch {
    // Not JSON: quote the text itself.
  }
  // Binary (protobuf) bodies are not quoted.
  if (hasControlCharacters(text)) return undefined;
  return text.split('\n')[0]!.slice(0, 200);
}

function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}
