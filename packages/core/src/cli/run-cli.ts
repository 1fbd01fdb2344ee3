import { parseArgs } from 'node:util';
import { formatConfigIssues, formatConfigWarnings } from '../config/format-config-issues.ts';
import { loadConfig } from '../config/load-config.ts';
import type { EnvSource } from '../config/read-env.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import { configRows, renderConfigTable } from './render-config-table.ts';

/** Where the CLI writes and which directory it reads package.json from. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** Exit codes: 0 success, 1 invalid configuration, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID_CONFIG = 1;
export const EXIT_USAGE = 2;

export const CLI_HELP = `Usage: tracewire <command> [options]

Commands:
  check            Validate the configuration in the environment. Prints every
                   problem and warning; exits 1 when there is a problem.
  config           Print the resolved configuration, secrets masked, with the
                   source of every value (code, env:NAME, detected:NAME, default).

Options:
  --json           With config: print JSON instead of a table.
  --cwd <dir>      Read package.json from <dir> (default: the current directory).
  -v, --version    Print the tracewire version.
  -h, --help       Print this help.

Configuration reference: https://github.com/tracewire/tracewire/blob/main/docs/configuration.md
`;

/**
 * Runs the `tracewire` command line with explicit arguments, environment and output, so
 * it can be tested without a child process. Returns the exit code.
 *
 * @example
 * const code = runCli(['check'], process.env, {
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 *   cwd: process.cwd(),
 * });
 */
export function runCli(argv: readonly string[], env: EnvSource, io: CliIo): number {
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
