// `pnpm demo` as a user runs it: scripts/demo.mjs in a child process, on the Node that runs
// the tests. It builds what is missing, starts the sink and the three examples, and must
// exit 0 with a report in which the failing cross-service request's trace reached both
// services.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPython } from '../examples/test-helpers/find-python.mjs';
import { repoRoot } from './packages.ts';

const python = findPython();

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the demo; `onOutput` sees the output so far after every chunk. */
function runDemo(
  args: string[],
  env: Record<string, string>,
  onOutput?: (output: string, signal: (name: NodeJS.Signals) => void) => void,
) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: string) => {
    output += chunk;
    onOutput?.(output, (name) => child.kill(name));
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  return new Promise<DemoRun>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, output })),
  );
}

/** The report block of one driven request: from its numbered title to the blank line. */
function blockOf(output: string, title: string): string {
  const start = output.indexOf(title);
  expect(start, `no "${title}" in the report:\n${output}`).toBeGreaterThan(-1);
  const end = output.indexOf('\n\n', start);
  return output.slice(start, end === -1 ? undefined : end);
}

/** Service name → the span names listed for it in a report block. */
function spanRows(block: string): Map<string, string> {
  const rows = new Map<string, string>();
  let inSpans = false;
  for (const line of block.split('\n')) {
    const match = /^ {3}(\w*)\s+([\w-]+) {2,}(.*)$/.exec(line);
    if (!match) continue;
    const [, label, service, text] = match;
    if (label) inSpans = label === 'spans';
    if (inSpans) rows.set(service!, text!);
  }
  return rows;
}

describe('pnpm demo', () => {
  it('exits 0 and reports the failing cross-service trace in spans of both services', async () => {
    const started = performance.now();
    const run = await runDemo([], {});
    expect(run.code, run.output).toBe(0);

    const block = blockOf(run.output, '5. cross-service failure');
    expect(block).toContain('GET express-api /api/items/13/stock → 502');
    const traceId = /trace\s+([0-9a-f]{32})/.exec(block)?.[1];
    expect(traceId, block).toBeDefined();
    const spans = spanRows(block);
    expect(spans.get('express-api')).toContain('GET /api/items/:id/stock');
    expect(spans.get('fastify-app')).toContain('GET /api/stock/:id');
    expect(block).toMatch(/sentry\s+(express-api|fastify-app)\s+error/);
    expect(block).toMatch(/logs\s+(express-api|fastify-app)\s+\d+ lines?/);

    const errorBlock = blockOf(run.output, '3. test error (/error)');
    expect(errorBlock).toContain('"Error: Test error from express-api"');
    expect(run.output).toContain('All lined up');

    // The guide's FastAPI app joins where a Python can run it (CI installs the packages).
    if (python.ok) {
      const hop = blockOf(run.output, '8. Python hop, test error (fastapi-app /error)');
      expect(hop).toContain('GET express-api /api/fastapi-error → 502');
      expect(hop).toMatch(/\s+fastapi-app\s+error "ZeroDivisionError: Test error from fastapi-app"/);
      expect(hop).toMatch(
        /python\s+fastapi-app\s+transaction "\/error" under express-api's client span GET; sampling context of express-api \(rate 1\)/,
      );
      expect(run.output).toContain(
        "fastapi-app's Sentry transactions are children of express-api's client spans",
      );
    } else {
      expect(run.output).toContain('apt-get install python3-fastapi python3-uvicorn python3-sentry-sdk');
    }
    // Building the packages is not part of the demo's own time budget.
    if (!run.output.includes('Building')) expect(performance.now() - started).toBeLessThan(30_000);
  }, 180_000);

  it('--keep runs until Ctrl-C, lists the requests made meanwhile, and leaves nothing running', async () => {
    let expressUrl: string | undefined;
    let requested = false;
    // Without a Python that can run the FastAPI app, the demo says how to get one and runs the rest.
    const run = await runDemo(
      ['--keep'],
      { PYTHON: path.join(repoRoot, 'no-such-python') },
      (output, signal) => {
        if (requested || !output.includes('Running until Ctrl-C.')) return;
        requested = true;
        expressUrl = /express-api\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        void fetch(`${expressUrl}/api/items/3`)
          .then((response) => response.arrayBuffer())
          .finally(() => signal('SIGINT'));
      },
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(
      /fastapi-app {2}skipped: no Python that can import fastapi, uvicorn and sentry_sdk \(tried .*no-such-python\)\. To include it: Debian: apt-get install python3-fastapi python3-uvicorn python3-sentry-sdk; pip: pip install fastapi uvicorn sentry-sdk\n/,
    );
    expect(run.output).not.toContain('Python hop');
    expect(run.output).toContain('All lined up');
    expect(run.output).toMatch(/curl -i http:\/\/127\.0\.0\.1:\d+\/api\/items\/13\/stock/);
    expect(run.output).toMatch(
      /Your requests: 1 trace\n• express-api GET \/api\/items\/:id → 200\n\s+trace\s+[0-9a-f]{32}/,
    );
    // The services are gone with the demo.
    await expect(fetch(`${expressUrl}/health`)).rejects.toThrow();
  }, 180_000);
});
