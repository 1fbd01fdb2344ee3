/** Node's `--unhandled-rejections` modes (https://nodejs.org/api/cli.html#--unhandled-rejectionsmode). */
export type UnhandledRejectionsMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

const MODES: ReadonlySet<string> = new Set(['throw', 'strict', 'warn', 'none', 'warn-with-error-code']);

/** The last `--unhandled-rejections` value in a list of Node options, if any. */
function modeIn(args: readonly string[]): UnhandledRejectionsMode | undefined {
  let mode: UnhandledRejectionsMode | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    let value: string | undefined;
    if (arg.startsWith('--unhandled-rejections=')) value = arg.slice('--unhandled-rejections='.length);
    else if (arg === '--unhandled-rejections') value = args[index + 1];
    if (value !== undefined && MODES.has(value)) mode = value as UnhandledRejectionsMode;
  }
  return mode;
}

/**
 * The `--unhandled-rejections` mode the process runs with, read the way Node reads it:
 * the command line wins over `NODE_OPTIONS`, and the default is `throw`.
 *
 * @example
 * unhandledRejectionsMode(['--unhandled-rejections=warn'], ''); // 'warn'
 */
export function unhandledRejectionsMode(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): UnhandledRejectionsMode {
  return modeIn(execArgv) ?? modeIn((nodeOptions ?? '').split(/\s+/).filter(Boolean)) ?? 'throw';
}
