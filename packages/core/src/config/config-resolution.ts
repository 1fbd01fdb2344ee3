import { createConfigIssue } from './config-problems.ts';
import { describeReceived, type SecretShape } from './describe-received.ts';
import { type EnvSource, readEnvValue } from './read-env.ts';
import type { ConfigIssue, ConfigOptions, ConfigSource, ConfigWarning } from './types.ts';
import type { ValueKind } from './value-kinds.ts';

/** A value found in one place, or the fact that it was not there. */
export type Lookup<T> = { found: true; value: T; source: ConfigSource } | { found: false };

/** One setting read through the usual precedence: code option, then variables in order, then detection, then default. */
export interface Setting<T> {
  /** The dotted config path recorded in `sources`. */
  field: string;
  kind: ValueKind<T>;
  option?: keyof ConfigOptions;
  /** Its environment variables, in precedence order. */
  variables?: readonly { name: string }[];
  secret?: SecretShape;
  /** Overrides the kind's fix with advice specific to this variable. */
  hint?: string;
  detect?: () => Lookup<T>;
  fallback: T;
}

const NOT_FOUND = { found: false } as const;

/**
 * Collects everything `loadConfig()` learns while resolving: each value's source, every
 * issue and warning. Values that were given but rejected are remembered, so checks that
 * combine several settings do not report a second, confusing problem about them.
 */
export class ConfigResolution {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigWarning[] = [];
  readonly sources: Record<string, ConfigSource> = {};
  readonly env: EnvSource;
  readonly options: Readonly<Record<string, unknown>>;
  private readonly rejectedFields = new Set<string>();

  constructor(env: EnvSource, options: Readonly<Record<string, unknown>>) {
    this.env = env;
    this.options = options;
  }

  /** Resolves a setting through the full precedence chain and records its source. */
  resolve<T>(setting: Setting<T>): T {
    const found = this.lookup(setting);
    if (found.found) return this.record(setting.field, found.value, found.source);
    return this.record(setting.field, setting.fallback, 'default');
  }

  /** Looks a setting up without falling back to its default. */
  lookup<T>(setting: Omit<Setting<T>, 'fallback'>): Lookup<T> {
    if (setting.option !== undefined && this.options[setting.option] !== undefined) {
      return this.fromOption(setting, setting.option);
    }
    for (const { name } of setting.variables ?? []) {
      const raw = readEnvValue(this.env, name);
      if (raw !== undefined) return this.fromEnv(setting, name, raw);
    }
    return setting.detect?.() ?? NOT_FOUND;
  }

  /** Checks one environment variable against a kind, reporting an issue when it is wrong. */
  fromEnv<T>(setting: Omit<Setting<T>, 'fallback'>, variable: string, raw: string): Lookup<T> {
    const check = setting.kind.fromEnv(raw);
    if (check.ok) return { found: true, value: check.value, source: `env:${variable}` };
    this.reject(setting, variable, describeReceived(raw, setting.secret), check.reason);
    return NOT_FOUND;
  }

  /** Checks one code option against a kind, reporting an issue when it is wrong. */
  fromOption<T>(setting: Omit<Setting<T>, 'fallback'>, option: keyof ConfigOptions): Lookup<T> {
    const value = this.options[option];
    const check = setting.kind.fromOption(value);
    if (check.ok) return { found: true, value: check.value, source: 'code' };
    this.reject(setting, `options.${option}`, describeReceived(value, setting.secret), check.reason);
    return NOT_FOUND;
  }

  record<T>(field: string, value: T, source: ConfigSource): T {
    this.sources[field] = source;
    return value;
  }

  /** Whether a value was given for the field but rejected. */
  wasRejected(field: string): boolean {
    return this.rejectedFields.has(field);
  }

  /** Marks fields as rejected when an issue about them is reported outside `resolve()`. */
  markRejected(...fields: string[]): void {
    for (const field of fields) this.rejectedFields.add(field);
  }

  private reject<T>(
    setting: Omit<Setting<T>, 'fallback'>,
    variable: string,
    received: string,
    reason: string | undefined,
  ): void {
    this.rejectedFields.add(setting.field);
    const hint = setting.hint ?? setting.kind.hint;
    this.issues.push(
      createConfigIssue(setting.kind.code, {
        variable,
        received,
        expected: setting.kind.expected,
        hint: reason ? `${reason} ${hint}` : hint,
      }),
    );
  }
}
