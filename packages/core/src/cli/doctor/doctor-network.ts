// Every connection and name lookup `tracewire doctor` makes goes through this module, so a
// test can replace the resolver (no real DNS for `*.railway.internal`) and see that only
// the configured endpoints are contacted.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import net from 'node:net';

/** One address a name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address, like `dns.lookup(name, { all: true })`.
 * Rejects with an error whose `code` says why (`ENOTFOUND`, `EAI_AGAIN`).
 */
export type DoctorResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** One HTTP request a check sends. */
export interface ProbeRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
}

/** What came back: an answer, a connection-level error, or nothing within the timeout. */
export type ProbeOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'timeout'; timeoutMs: number };

/**
 * The doctor's only way out to the network.
 *
 * @example
 * const network = createDoctorNetwork();
 * const outcome = await network.request('http://localhost:4318/v1/traces', { method: 'POST', headers: {}, timeoutMs: 5000 });
 */
export interface DoctorNetwork {
  resolve(hostname: string, timeoutMs: number): Promise<ResolvedAddress[]>;
  request(url: string, request: ProbeRequest): Promise<ProbeOutcome>;
  /** Tries to bind `port` on every interface, as the Prometheus endpoint does; resolves with the error code, or undefined when it was free. */
  tryBind(port: number): Promise<string | undefined>;
}

/** Options for {@link createDoctorNetwork}. */
export interface DoctorNetworkOptions {
  /** Replaces DNS for both the reported lookups and the connections. Default: the system resolver. */
  resolver?: DoctorResolver;
}

// Enough of a response body to recognise an error page; more is never printed.
const MAX_BODY_BYTES = 16 * 1024;

const systemResolver: DoctorResolver = async (hostname) => {
  const addresses = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Creates the network layer the checks use. Requests never reuse connections (each
 * check sees a fresh handshake), follow no redirects and read at most 16 kB of a body.
 *
 * @example
 * const network = createDoctorNetwork({ resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
 */
export function createDoctorNetwork(options: DoctorNetworkOptions = {}): DoctorNetwork {
  const resolver = options.resolver ?? systemResolver;
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const family = net.isIP(bare);
    if (family !== 0) return Promise.resolve([{ address: bare, family: family === 6 ? 6 : 4 }]);
    return resolver(bare);
  };
  const lookup: LookupFunction | undefined = options.resolver
    ? (hostname, lookupOptions, callback) => {
        resolve(hostname).then(
          (addresses) => {
            const wanted =
              lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
            const usable = addresses.filter((entry) => wanted === 0 || entry.family === wanted);
            if (usable.length === 0) {
              callback(
                Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
                '',
                4,
              );
            } else if (lookupOptions.all) {
              (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, usable);
            } else {
              callback(null, usable[0]!.address, usable[0]!.family);
            }
          },
          (error: NodeJS.ErrnoException) => callback(error, '', 4),
        );
      }
    : undefined;

  return {
    resolve: (hostname, timeoutMs) => withTimeout(resolve(hostname), timeoutMs),
    request: (url, request) => sendRequest(url, request, lookup),
    tryBind: (port) =>
      new Promise((done) => {
        const server = net.createServer();
        server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
        server.listen(port, () => server.close(() => done(undefined)));
      }),
  };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' })),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function sendRequest(
  url: string,
  probe: ProbeRequest,
  lookup: LookupFunction | undefined,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      finish({ kind: 'error', code: 'ERR_INVALID_URL', message: 'not a valid URL' });
      return;
    }
    const client = parsed.protocol === 'https:' ? https : http;
    const body = probe.body === undefined ? undefined : Buffer.from(probe.body);
    const request = client.request(parsed, {
      method: probe.method,
      headers: { ...probe.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: false,
      ...(lookup ? { lookup } : {}),
    });
    // One budget for the whole exchange: connect, TLS, the answer and its body.
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', timeoutMs: probe.timeoutMs });
      request.destroy();
    }, probe.timeoutMs);
    request.once('error', (error: NodeJS.ErrnoException) => {
      finish({ kind: 'error', code: error.code ?? error.name, message: error.message });
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        if (length < MAX_BODY_BYTES) chunks.push(chunk);
        length += chunk.length;
        if (length >= MAX_BODY_BYTES) response.destroy();
      });
      const done = (): void => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        finish({
          kind: 'response',
          status: response.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
        });
        request.destroy();
      };
      response.once('end', done);
      response.once('close', done);
      response.once('error', done);
    });
    request.end(body);
  });
}
