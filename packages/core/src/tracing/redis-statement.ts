// Commands whose first argument is not a key: a password (AUTH, HELLO), a script or
// function body (EVAL, FCALL), a message (ECHO) or a subcommand followed by values.
// Their spans keep only the command name.
const FIRST_ARGUMENT_IS_NOT_A_KEY = new Set([
  'ACL',
  'AUTH',
  'CLIENT',
  'CLUSTER',
  'COMMAND',
  'CONFIG',
  'DEBUG',
  'ECHO',
  'EVAL',
  'EVAL_RO',
  'EVALSHA',
  'EVALSHA_RO',
  'FCALL',
  'FCALL_RO',
  'FUNCTION',
  'HELLO',
  'MIGRATE',
  'MODULE',
  'OBJECT',
  'PING',
  'PUBSUB',
  'SCRIPT',
  'XINFO',
  'XGROUP',
]);

/**
 * The `db.query.text` tracewire records for a Redis command: the command and its key,
 * never the values written, a password or a script (`SET session:42`, `AUTH`).
 *
 * @example
 * redisCommandWithKey('set', ['user:1', '{"email":"a@example.com"}']); // 'set user:1'
 */
export function redisCommandWithKey(command: string, args: ReadonlyArray<unknown>): string {
  // ioredis accepts an array as the first argument (`del(['a', 'b'])`): its head is the key.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first === undefined || FIRST_ARGUMENT_IS_NOT_A_KEY.has(command.toUpperCase())) return command;
  return `${command} ${showArgument(first)}`;
}

/**
 * The full Redis command with every argument, for `TRACEWIRE_DB_STATEMENTS=full` only:
 * values and passwords included. Buffers are shown by size.
 *
 * @example
 * redisFullCommand('set', ['user:1', 'x']); // 'set user:1 x'
 */
export function redisFullCommand(command: string, args: ReadonlyArray<unknown>): string {
  const shown = args.map((arg) => (Buffer.isBuffer(arg) ? `[${arg.length} bytes]` : showArgument(arg)));
  return [command, ...shown].join(' ');
}

function showArgument(argument: unknown): string {
  if (Buffer.isBuffer(argument)) return argument.toString('utf8');
  if (Array.isArray(argument)) return argument.map(showArgument).join(' ');
  return String(argument);
}
