#!/usr/bin/env node
// The `tracewire` bin. All behaviour lives in runCli(), which tests call directly; this
// file only binds it to the real process.
import { runCli } from './cli/run-cli.ts';

const exitCode = runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
if (typeof exitCode === 'number') process.exitCode = exitCode;
else
  exitCode.then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2;
    },
  );
