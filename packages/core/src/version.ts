import packageJson from '../package.json' with { type: 'json' };

/**
 * The tracewire core version, stamped into telemetry as the instrumentation version.
 *
 * @example
 * import { TRACEWIRE_VERSION } from '@tracewire/core';
 * console.log(TRACEWIRE_VERSION);
 */
export const TRACEWIRE_VERSION: string = packageJson.version;
