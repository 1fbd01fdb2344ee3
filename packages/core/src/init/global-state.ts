import type { ObservabilityHandle } from './handle.ts';
import { GLOBAL_STATE_KEY } from '../global-symbols.ts';
import type { SentrySdk } from '../sentry/sentry-sdk.ts';

/**
 * Global state lives under a registry symbol named after the major version, so two
 * copies of `@tracewire/core` in one process (a bundled adapter, a duplicate in
 * node_modules) find and reuse one initialisation instead of fighting over
 * OpenTelemetry's globals.
 */

interface GlobalState {
  handle?: ObservabilityHandle;
  /** Sentry's SDK, once a copy of tracewire loaded it: one SDK for every copy. */
  sentrySdk?: SentrySdk;
}

function state(): GlobalState {
  const holder = globalThis as unknown as Record<symbol, GlobalState | undefined>;
  let current = holder[GLOBAL_STATE_KEY];
  if (!current) {
    current = {};
    Object.defineProperty(globalThis, GLOBAL_STATE_KEY, {
      value: current,
      enumerable: false,
      configurable: true,
    });
  }
  return current;
}

/**
 * The handle `initObservability()` returned, wherever in the process it was called.
 * Adapters use it when they are not given a handle.
 *
 * @example
 * import { getObservability } from '@tracewire/core';
 * getObservability()?.logger.info('ready');
 */
export function getObservability(): ObservabilityHandle | undefined {
  return state().handle;
}

export function setObservability(handle: ObservabilityHandle | undefined): void {
  state().handle = handle;
}

/** The Sentry SDK another copy of tracewire loaded, else the one `load` loads now. */
export function sharedSentrySdk(load: () => SentrySdk): SentrySdk {
  const current = state();
  current.sentrySdk ??= load();
  return current.sentrySdk;
}
