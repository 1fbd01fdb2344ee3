import { parseArgs } from 'node:util';
import { formatConfigIssues, formatConfigWarnings } from '../config/format-config-issues.ts';
import { loadConfig } from '../config/load-config.ts';
import type { EnvSource } from '../config/read-env.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import type { DoctorNetwork } from './doctor/doctor-network.ts';
import { DEFAULT_DOCTOR_TIMEOUT_MS, runDoctor } from './doctor/run-doctor.ts';
import { configRows, renderConfigTable } from './render-config-table.ts';

/** Where the CLI writes and which directory it reads package.json from. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** For `doctor`: the network layer every lookup and connection goes through. Default: the real one. */
  network?: DoctorNetwork;
}

/** Exit codes: 0 success, 1 invalid configuration (or, for doctor, a failed check), 2 wrong usage (or doctor could not run). */
export const EXIT_OK = 0;
export const EXIT_INVALID_CONFIG = 1;
export const EXIT_USAGE = 2;

export const CLI_HELP = `Usage: tracewire <command> [options]

Commands:
  check            Validate the configuration in the environment. Prints every
                   problem and warning; exits 1 when there is a problem.
  config           Print the resolved configuration, secrets masked, with the
                   source of every value (code, env:NAME, detected:NAME, default).
  doctor           Run check, then prove that every configured destination (Sentry
                   ingest, OTLP endpoints, the Prometheus port, the Sentry API token,
                   the platform) accepts what tracewire sends. Exits 0 when every
                   check passes, 1 when one fails, 2 when doctor could not run.

Options:
  --json           With config or doctor: print JSON.
  --timeout <ms>   With doctor: bound on each network check (default ${DEFAULT_DOCTOR_TIMEOUT_MS}).
  --send-test-event
                   With doctor: send one test error event to Sentry and print its ID.
  --cwd <dir>      Read package.json from <dir> (default: the current directory).
  -v, --version    Print the tracewire version.
  -h, --help       Print this help.

Configuration reference: https://github.com/tracewire/tracewire/blob/main/docs/configuration.md
`;

/**
 * Runs the `tracewire` command line with explicit arguments, environment and output, so
 * it can be tested without a child process. Returns the exit code: synchronously for
 * `check` and `config`, which never touch the network, and as a promise for `doctor`.
 *
 * @example
 * const code = runCli(['check'], process.env, {
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 *   cwd: process.cwd(),
 * });
 */
export function runCli(argv: readonly string[], env: EnvSource, io: CliIo): number | Promise<number> {
  let parsed: ReturnType<typeof parseCliArguments>;
  try {
    parsed = parseCliArguments(argv);
  } catch (error) {
    io.stderr(`tracewire: ${error instanceof Error ? error.message : String(error)}\n\n${CLI_HELP}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${TRACEWIRE_VERSION}\n`);
    return EXIT_OK;
  }
  const [command, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(CLI_HELP);
    return EXIT_OK;
  }
  if (extra.length > 0) {
    io.stderr(`tracewire: unexpected argument ${JSON.stringify(extra[0])}\n\n${CLI_HELP}`);
    return EXIT_USAGE;
  }
  const cwd = values.cwd ?? io.cwd;
  switch (command) {
    case 'check':
      return runCheck(env, cwd, io);
    case 'config':
      return runConfig(env, cwd, io, values.json === true);
    case 'doctor': {
      const timeoutMs = values.timeout === undefined ? DEFAULT_DOCTOR_TIMEOUT_MS : Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        io.stderr(
          `tracewire: --timeout takes a positive number of milliseconds, received ${JSON.stringify(values.timeout)}\n\n${CLI_HELP}`,
        );
        return EXIT_USAGE;
      }
      return runDoctor({
        env,
        cwd,
        timeoutMs,
        json: values.json === true,
        sendTestEvent: values['send-test-event'] === true,
        ...(io.network ? { network: io.network } : {}),
        stdout: io.stdout,
        stderr: io.stderr,
      });
    }
    default:
      io.stderr(`tracewire: unknown command ${JSON.stringify(command)}\n\n${CLI_HELP}`);
      return EXIT_USAGE;
  }
}

function parseCliArguments(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      cwd: { type: 'string' },
      timeout: { type: 'string' },
      'send-test-event': { type: 'boolean' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function runCheck(env: EnvSource, cwd: string, io: CliIo): number {
  const result = loadConfig({ env, cwd });
  const sections: string[] = [];
  if (!result.ok) sections.push(formatConfigIssues(result.issues));
  if (result.warnings.length > 0) sections.push(formatConfigWarnings(result.warnings));
  if (result.ok) {
    const { serviceName, environment, release } = result.config;
    sections.push(
      `tracewire configuration is valid: service ${serviceName}, environment ${environment}, release ${release ?? '(none)'}.`,
    );
  }
  io.stdout(`${sections.join('\n\n')}\n`);
  return result.ok ? EXIT_OK : EXIT_INVALID_CONFIG;
}

function runConfig(env: EnvSource, cwd: string, io: CliIo, json: boolean): number {
  const result = loadConfig({ env, cwd });
  if (!result.ok) {
    io.stderr(`${formatConfigIssues(result.issues)}\n`);
    return EXIT_INVALID_CONFIG;
  }
  if (result.warnings.length > 0) io.stderr(`${formatConfigWarnings(result.warnings)}\n`);
  io.stdout(
    json
      ? `${JSON.stringify(result.config, null, 2)}\n`
      : `${renderConfigTable(configRows(result.config))}\n`,
  );
  return EXIT_OK;
}
