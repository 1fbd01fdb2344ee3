import { createConfigWarning } from './config-problems.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './defaults.ts';
import { type EnvSource, readEnvValue } from './read-env.ts';
import type { ConfigSource, ConfigWarning } from './types.ts';

/**
 * A variable that reveals how long a platform waits between its stop signal and SIGKILL.
 * `windowMs` is the platform's documented window; `readWindowMs` reads it from the
 * variable's value instead, where the platform exposes it.
 */
export interface ShutdownWindowVariable {
  variable: string;
  /** The platform, as written in `detected:<platform>`. */
  platform: string;
  /** The platform's name for people (`tracewire doctor`). */
  label: string;
  windowMs?: number;
  readWindowMs?: (value: string) => number | undefined;
  /** The window, as the configuration reference words it. */
  window: string;
  /** How to widen the window, where the platform allows it. */
  widen?: string;
}

/** Time left for the process to exit after tracewire's flush gives up. */
export const SHUTDOWN_EXIT_MARGIN_MS = 500;

const seconds = (value: string): number | undefined =>
  /^\d+$/.test(value) ? Number(value) * 1000 : undefined;

/**
 * The platforms whose kill window an environment variable reveals, in the order they are
 * checked. A configured window a platform does not put in the environment (Fly.io's
 * `kill_timeout`, Render's shutdown delay) cannot be seen: their defaults are used.
 */
export const SHUTDOWN_WINDOW_VARIABLES: readonly ShutdownWindowVariable[] = Object.freeze([
  {
    variable: 'RAILWAY_DEPLOYMENT_DRAINING_SECONDS',
    platform: 'railway',
    label: 'Railway',
    readWindowMs: seconds,
    window: 'the variable, in seconds',
    widen: 'raise RAILWAY_DEPLOYMENT_DRAINING_SECONDS',
  },
  {
    variable: 'RAILWAY_ENVIRONMENT_NAME',
    platform: 'railway',
    label: 'Railway',
    windowMs: 3000,
    window: '3 s',
    widen: 'raise RAILWAY_DEPLOYMENT_DRAINING_SECONDS',
  },
  {
    variable: 'FLY_APP_NAME',
    platform: 'fly',
    label: 'Fly.io',
    windowMs: 5000,
    window: '5 s (kill_timeout default)',
    widen: 'raise kill_timeout in fly.toml',
  },
  { variable: 'K_SERVICE', platform: 'cloud-run', label: 'Cloud Run', windowMs: 10_000, window: '10 s' },
  { variable: 'DYNO', platform: 'heroku', label: 'Heroku', windowMs: 30_000, window: '30 s' },
  {
    variable: 'RENDER',
    platform: 'render',
    label: 'Render',
    windowMs: 30_000,
    window: '30 s (shutdown delay default)',
    widen: 'raise maxShutdownDelaySeconds in render.yaml',
  },
]);

/** A detected platform's time between its stop signal and SIGKILL. */
export interface KillWindow {
  windowMs: number;
  /** The table entry it was found by. */
  found: ShutdownWindowVariable;
}

/**
 * The kill window the environment reveals, from the first variable in
 * `SHUTDOWN_WINDOW_VARIABLES` that is set and readable; `onUnreadable` hears of any set
 * but unreadable one on the way.
 *
 * @example
 * detectKillWindow({ RAILWAY_ENVIRONMENT_NAME: 'production' })?.windowMs; // 3000
 */
export function detectKillWindow(
  env: EnvSource,
  onUnreadable: (candidate: ShutdownWindowVariable) => void = () => {},
): KillWindow | undefined {
  for (const candidate of SHUTDOWN_WINDOW_VARIABLES) {
    const value = readEnvValue(env, candidate.variable);
    if (value === undefined) continue;
    const windowMs = candidate.readWindowMs ? candidate.readWindowMs(value) : candidate.windowMs;
    if (windowMs === undefined) {
      onUnreadable(candidate);
      continue;
    }
    return { windowMs, found: candidate };
  }
  return undefined;
}

/** The default shutdown budget inside a kill window: the window less the exit margin, never above the usual default. */
export function shutdownBudgetFor(windowMs: number): number {
  return Math.max(0, Math.min(DEFAULT_SHUTDOWN_TIMEOUT_MS, windowMs - SHUTDOWN_EXIT_MARGIN_MS));
}

export interface ShutdownBudgetDetection {
  detected: { value: number; source: ConfigSource } | undefined;
  warnings: ConfigWarning[];
}

/**
 * Detects the platform's kill window and returns the shutdown budget that fits inside it,
 * labelled `detected:<platform>`. Used only when `shutdownTimeoutMs` is not given.
 *
 * @example
 * detectShutdownBudget({ RAILWAY_ENVIRONMENT_NAME: 'production' });
 * // { detected: { value: 2500, source: 'detected:railway' }, warnings: [] }
 */
export function detectShutdownBudget(env: EnvSource): ShutdownBudgetDetection {
  const warnings: ConfigWarning[] = [];
  const window = detectKillWindow(env, (candidate) =>
    warnings.push(
      createConfigWarning('TW_CONFIG_DETECTED_VALUE_IGNORED', candidate.variable, {
        variable: candidate.variable,
        field: 'shutdownTimeoutMs',
        reason: 'it is not a whole number of seconds.',
      }),
    ),
  );
  return {
    detected: window && {
      value: shutdownBudgetFor(window.windowMs),
      source: `detected:${window.found.platform}`,
    },
    warnings,
  };
}
