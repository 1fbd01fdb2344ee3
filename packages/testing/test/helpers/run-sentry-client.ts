import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const client = fileURLToPath(new URL('../fixtures/sentry-client.mjs', import.meta.url));

/**
 * Runs a scenario of fixtures/sentry-client.mjs (a real `@sentry/node` client) in a child
 * process pointed at `dsn`; resolves with the JSON values it reported on stdout.
 */
export function runSentryClient(scenario: string, dsn: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [client, scenario],
      { env: { ...process.env, SENTRY_DSN: dsn }, encoding: 'utf8', timeout: 25_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`sentry client (${scenario}) failed: ${error.message}\n${stderr}`));
          return;
        }
        const reported: Record<string, unknown> = {};
        for (const line of stdout.split('\n')) {
          if (line.startsWith('{')) Object.assign(reported, JSON.parse(line));
        }
        resolve(reported);
      },
    );
  });
}
