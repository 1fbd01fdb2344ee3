import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as SentryCore from '@sentry/core';
import type * as SentryNode from '@sentry/node';
import { sharedSentrySdk } from '../init/global-state.ts';

/**
 * Sentry's SDK as tracewire uses it. It is loaded only when the Sentry pipeline starts,
 * so a service without a DSN never loads it (about 570 modules and 50 MB of memory).
 */
export interface SentrySdk {
  /** `@sentry/node`: the same module the app gets from its own `import` or `require`. */
  readonly node: typeof SentryNode;
  /** What tracewire needs from `@sentry/core` that `@sentry/node` does not re-export. */
  readonly core: Pick<
    typeof SentryCore,
    '_INTERNAL_safeMathRandom' | 'generateTraceId' | 'isContinuingTrace'
  >;
}

const requireFromTracewire = createRequire(import.meta.url);
// Undefined in the CommonJS build (tsdown.base.ts defines it so): there a plain `require`
// picks the build the app's own `require('@sentry/node')` gets.
const resolveAsImport: ImportMeta['resolve'] | undefined = import.meta.resolve;

/**
 * Loads a package synchronously as the module the app's own `import` of it gets. Requiring
 * the name from an ES module would load Sentry's CommonJS build, a second SDK next to the
 * app's; requiring the file `import` resolves to loads the ES module itself (Node 22.12+
 * loads ES modules through `require` synchronously and shares them with `import`).
 */
function requireAsImported(specifier: string): unknown {
  return requireFromTracewire(resolveAsImport ? fileURLToPath(resolveAsImport(specifier)) : specifier);
}

let loaded: SentrySdk | undefined;

/**
 * Sentry's SDK, loaded synchronously on the first call (`initObservability()` is
 * synchronous). Every copy of tracewire in the process (the ES module and CommonJS builds
 * side by side) uses the one the first copy loaded.
 *
 * @example
 * const { node: Sentry } = loadSentrySdk();
 * Sentry.captureException(error);
 */
export function loadSentrySdk(): SentrySdk {
  loaded ??= sharedSentrySdk(() => ({
    node: requireAsImported('@sentry/node') as typeof SentryNode,
    core: requireAsImported('@sentry/core') as typeof SentryCore,
  }));
  return loaded;
}
