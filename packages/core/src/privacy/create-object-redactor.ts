import { MASK } from './mask.ts';
import { createSecretKeyMatcher } from './secret-keys.ts';

// Deep enough for `req.headers.authorization` and `{ user: { credentials: { password } } }`;
// bounded so a large object never makes a log line expensive.
const MAX_DEPTH = 4;
const MAX_KEYS_PER_OBJECT = 200;
// A line's whole walk, whatever its shape: 200 keys at each of four levels would
// otherwise be 1.6 billion visits.
const MAX_VISITS_PER_CALL = 2000;
const CIRCULAR = '[Circular]';

/**
 * Whether `value` is data to walk: arrays, and objects without a class of their own,
 * whatever their prototype: `{}`, `Object.create(null)`, Node's `req.headers`, Fastify's
 * `request.query` (its prototype is an empty object with no constructor), objects from
 * another realm. Class instances (an `IncomingMessage`, a model) are left to pino and
 * its serializers, which would not recognise a copy.
 */
function isPlainData(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return true;
  const maker = (prototype as { constructor?: unknown }).constructor;
  return maker === undefined || (typeof maker === 'function' && maker.name === 'Object' && maker !== Object);
}

type MapLike = {
  forEach(callback: (value: unknown, key: unknown) => void): void;
  get(key: string): unknown;
  has(key: string): boolean;
};

/** `Map` and the fetch API's `Headers` (and look-alikes from another copy of undici). */
function isMapLike(value: object): value is MapLike {
  if (value instanceof Map) return true;
  const candidate = value as Partial<MapLike> & { [Symbol.toStringTag]?: unknown };
  return (
    candidate[Symbol.toStringTag] === 'Headers' &&
    typeof candidate.forEach === 'function' &&
    typeof candidate.get === 'function'
  );
}

/**
 * A copy with the same enumerable keys. Getters are copied as getters, not called: one
 * that throws behaves in the copy as it would have in the original.
 */
function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  try {
    return { ...record };
  } catch {
    // A getter threw; copy property by property below.
  }
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    const descriptor = Object.getOwnPropertyDescriptor(record, key);
    if (descriptor?.get) {
      Object.defineProperty(copy, key, { get: descriptor.get, enumerable: true, configurable: true });
    } else {
      copy[key] = descriptor ? descriptor.value : record[key];
    }
  }
  return copy;
}

/** Masks values under secret keys; returns its input itself when nothing needed masking. */
export type ObjectRedactor = <T>(value: T) => T;

/**
 * Builds the one redactor for structured data on its way out (log lines; the OTLP log
 * pipeline uses the same one). Values under secret keys (`isSecretKey`, plus
 * `extraKeys`) become `***` at any of the first levels, in plain objects of any
 * prototype, arrays, and `Map`/`Headers` (rendered as an object of their entries, which
 * is what a reader of the line wants to see; JSON would print `{}`). Values that define
 * their own JSON form (tracewire's config masks its secrets in `toJSON`) are redacted in
 * that form.
 *
 * Nothing is copied unless something changes, so an ordinary log line costs a map
 * lookup per key. Cycles, throwing getters and huge objects are handled: a cycle is
 * `[Circular]` (what pino prints for one), an unreadable property is left as it is, the
 * walk is bounded in depth, keys per object and total visits. Errors, Buffers, Dates and
 * class instances are untouched, so pino's own serializers still see them.
 *
 * @example
 * const redact = createObjectRedactor(['ssn']);
 * redact({ req: { headers: { authorization: 'Bearer x' } } });
 * // { req: { headers: { authorization: '***' } } }
 */
export function createObjectRedactor(extraKeys: readonly string[] = []): ObjectRedactor {
  const isSecret = createSecretKeyMatcher(extraKeys);
  // The objects on the path from the root to the one being visited, by depth.
  const ancestors: unknown[] = new Array(MAX_DEPTH + 1);
  let visits = 0;

  const isAncestor = (value: object, depth: number): boolean => {
    for (let index = 0; index < depth; index += 1) if (ancestors[index] === value) return true;
    return false;
  };

  const visit = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH || visits++ >= MAX_VISITS_PER_CALL) return value;
    if (value instanceof Error || value instanceof Date || ArrayBuffer.isView(value)) return value;
    if (isAncestor(value, depth)) return CIRCULAR;
    const ownJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof ownJson === 'function') {
      let json: unknown;
      try {
        json = (ownJson as () => unknown).call(value);
      } catch {
        return value;
      }
      if (json === value || json === null || typeof json !== 'object') return value;
      // The JSON form stands in for the object, at the object's own depth.
      ancestors[depth] = value;
      const visited = visit(json, depth);
      return visited === json ? value : visited;
    }
    if (isMapLike(value)) return visitMapLike(value, depth);
    if (!isPlainData(value)) return value;
    ancestors[depth] = value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      const length = Math.min(value.length, MAX_KEYS_PER_OBJECT);
      for (let index = 0; index < length; index += 1) {
        const item: unknown = value[index];
        const visited = visit(item, depth + 1);
        if (visited !== item) {
          copy ??= value.slice();
          copy[index] = visited;
        }
      }
      return copy ?? value;
    }
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    let seen = 0;
    for (const key in record) {
      if (seen++ >= MAX_KEYS_PER_OBJECT) break;
      let item: unknown;
      try {
        item = record[key];
      } catch {
        // A throwing getter: pino meets the same getter and decides; nothing to mask here.
        continue;
      }
      const replaced = isSecret(key) && item !== undefined && item !== null ? MASK : visit(item, depth + 1);
      if (replaced !== item) {
        copy ??= copyRecord(record);
        copy[key] = replaced;
      }
    }
    return copy ?? value;
  };

  const visitMapLike = (map: MapLike, depth: number): unknown => {
    ancestors[depth] = map;
    const entries: Record<string, unknown> = {};
    let seen = 0;
    map.forEach((item, key) => {
      if (seen++ >= MAX_KEYS_PER_OBJECT || (typeof key !== 'string' && typeof key !== 'number')) return;
      const name = String(key);
      entries[name] = isSecret(name) && item !== undefined && item !== null ? MASK : visit(item, depth + 1);
    });
    return entries;
  };

  return <T>(value: T): T => {
    visits = 0;
    try {
      return visit(value, 0) as T;
    } catch {
      // An exotic object (a Proxy whose traps throw): logged as pino would log it.
      return value;
    }
  };
}
