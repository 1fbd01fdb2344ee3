// The parent's side of bench/drive.mjs.
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, waitForExit } from './children.mjs';

const driveFile = fileURLToPath(new URL('../drive.mjs', import.meta.url));

/** Runs autocannon in a child process against `options.origin`; resolves to its result. */
export async function drive(options) {
  const child = spawnTracked(process.execPath, [driveFile, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child, 20_000);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const { code, signal } = await waitForExit(child);
  const lastLine = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !lastLine) {
    throw new Error(`load driver failed (${signal ?? `code ${code}`}):\n${output.text()}`);
  }
  return JSON.parse(lastLine);
}
