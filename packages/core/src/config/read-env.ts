/** The environment tracewire reads: `process.env` or a map given to `loadConfig()`. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Reads one variable the way tracewire reads every variable: surrounding whitespace is
 * dropped (a pasted DSN often ends in a newline) and a blank value counts as unset, as
 * the OpenTelemetry specification requires for its variables.
 *
 * @example
 * readEnvValue({ LOG_LEVEL: ' debug\n' }, 'LOG_LEVEL'); // 'debug'
 * readEnvValue({ LOG_LEVEL: '' }, 'LOG_LEVEL'); // undefined
 */
export function readEnvValue(env: EnvSource, name: string): string | undefined {
  const value: unknown = env[name];
  if (value === undefined || value === null) return undefined;
  // JavaScript callers sometimes pass numbers or booleans in a hand-built env map.
  const text = (typeof value === 'string' ? value : String(value)).trim();
  return text === '' ? undefined : text;
}
