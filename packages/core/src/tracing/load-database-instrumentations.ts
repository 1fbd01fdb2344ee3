import { createRequire } from 'node:module';
import path from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  DATABASE_INSTRUMENTATIONS,
  type DatabaseInstrumentation,
  type DatabaseStatements,
  type ModuleLoader,
} from './database-instrumentations.ts';

/**
 * Why one database instrumentation is on or off, as `tracewire config` and the startup
 * summary show it.
 *
 * @example
 * for (const status of describeDatabaseInstrumentations({ selected: ['pg'] })) console.log(status.name, status.state);
 */
export interface DatabaseInstrumentationStatus {
  name: string;
  /** `active`: selected and its library resolves; `not installed`: selected, no library; `switched off`: not selected; `failed`: loading it threw. */
  state: 'active' | 'not installed' | 'switched off' | 'failed';
  /** The library that resolved, with the file it resolved to. */
  library?: { name: string; path: string };
  /** One sentence for people. */
  reason: string;
}

export interface DatabaseInstrumentationSearch {
  /** Names from the catalogue to consider; the rest are `switched off`. */
  selected: readonly string[];
  /** Directories the app's libraries are resolved from. Default: `appDirectory` and the main module's directory. */
  searchPaths?: readonly string[];
  /** The app's directory. Default: the working directory. */
  appDirectory?: string | undefined;
}

export interface DatabaseInstrumentationLoad extends DatabaseInstrumentationSearch {
  statements: DatabaseStatements;
  /** Loads an instrumentation package. Default: `require` relative to tracewire. */
  load?: ModuleLoader;
}

export interface LoadedDatabaseInstrumentations {
  instrumentations: Instrumentation[];
  statuses: DatabaseInstrumentationStatus[];
  /**
   * Patches client modules that were already in `require.cache` before the
   * instrumentations were enabled. Call after `registerInstrumentations()`.
   */
  patchAlreadyLoaded(): void;
}

// In the CommonJS build `import.meta.url` is unavailable and `require` is the module's own.
const requireFromTracewire: NodeJS.Require =
  typeof require === 'function' ? require : createRequire(import.meta.url);

function defaultSearchPaths(appDirectory: string | undefined): string[] {
  const main = requireFromTracewire.main?.filename ?? process.argv[1];
  const paths = [appDirectory ?? process.cwd()];
  if (main) paths.push(path.dirname(main));
  return [...new Set(paths)];
}

function resolveLibrary(
  entry: DatabaseInstrumentation,
  searchPaths: readonly string[],
): { name: string; path: string } | undefined {
  for (const directory of searchPaths) {
    // A require rooted in the app's directory: tracewire's own dependencies (or a test
    // workspace's) must not count as the app having a database client.
    const requireFromApp = createRequire(path.join(directory, 'noop.js'));
    for (const library of entry.libraries) {
      try {
        return { name: library, path: requireFromApp.resolve(library) };
      } catch {
        // Not installed where this directory can see it.
      }
    }
  }
  return undefined;
}

/**
 * Says, for each catalogue entry, whether it would be active and why, resolving the app's
 * libraries without loading anything.
 *
 * @example
 * describeDatabaseInstrumentations({ selected: ['pg', 'ioredis'], searchPaths: ['/srv/api'] });
 */
export function describeDatabaseInstrumentations(
  search: DatabaseInstrumentationSearch,
): DatabaseInstrumentationStatus[] {
  const searchPaths = search.searchPaths ?? defaultSearchPaths(search.appDirectory);
  return DATABASE_INSTRUMENTATIONS.map((entry): DatabaseInstrumentationStatus => {
    if (!search.selected.includes(entry.name)) {
      return { name: entry.name, state: 'switched off', reason: 'not in TRACEWIRE_INSTRUMENTATIONS' };
    }
    const library = resolveLibrary(entry, searchPaths);
    if (!library) {
      return {
        name: entry.name,
        state: 'not installed',
        reason: `${entry.libraries.join(' / ')} not found from ${searchPaths.join(', ')}`,
      };
    }
    return { name: entry.name, state: 'active', library, reason: `found ${library.name}` };
  });
}

/**
 * Creates the database instrumentations whose library the app can resolve. Nothing is
 * loaded for a library that is absent, so a service without a database pays nothing.
 *
 * @example
 * const loaded = loadDatabaseInstrumentations({ selected: ['pg'], statements: 'sanitized' });
 * const unregister = registerInstrumentations({ instrumentations: loaded.instrumentations });
 * loaded.patchAlreadyLoaded();
 */
export function loadDatabaseInstrumentations(
  options: DatabaseInstrumentationLoad,
): LoadedDatabaseInstrumentations {
  const load = options.load ?? ((id: string) => requireFromTracewire(id));
  const instrumentations: Instrumentation[] = [];
  const statuses = describeDatabaseInstrumentations(options).map((status) => {
    if (status.state !== 'active') return status;
    const entry = DATABASE_INSTRUMENTATIONS.find((candidate) => candidate.name === status.name);
    try {
      instrumentations.push((entry as DatabaseInstrumentation).create(options.statements, load));
      return status;
    } catch (error) {
      // A broken install of one instrumentation must not stop the app or the others.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...status,
        state: 'failed' as const,
        reason: `could not load ${entry?.packageName}: ${message}`,
      };
    }
  });
  return {
    instrumentations,
    statuses,
    patchAlreadyLoaded: () => patchAlreadyLoaded(instrumentations),
  };
}

/**
 * require-in-the-middle patches a module when it is required, so a client the app
 * required before `initObservability()` would stay unpatched. Requiring the cached files
 * again passes them through the hook once; the instrumentations patch prototypes in
 * place, which reaches the objects the app already holds. CommonJS packages imported from
 * an ES module are in that cache too; a package that is an ES module only is not, and
 * only `--import @tracewire/core/register` patches it.
 */
function patchAlreadyLoaded(instrumentations: readonly Instrumentation[]): void {
  const moduleNames = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions = (
      instrumentation as { getModuleDefinitions?: () => { name: string }[] }
    ).getModuleDefinitions?.();
    for (const definition of definitions ?? []) moduleNames.add(definition.name);
  }
  if (moduleNames.size === 0) return;
  const markers = [...moduleNames].map(
    (name) => `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`,
  );
  for (const filename of Object.keys(requireFromTracewire.cache)) {
    if (!markers.some((marker) => filename.includes(marker))) continue;
    // Only the last node_modules segment names the package a file belongs to.
    const last = filename.lastIndexOf(`${path.sep}node_modules${path.sep}`);
    if (!markers.some((marker) => filename.indexOf(marker, last) === last)) continue;
    try {
      createRequire(filename)(filename);
    } catch {
      // A file that fails to load again stays as it was: unpatched, never broken.
    }
  }
}
