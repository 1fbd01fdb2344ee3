// Which Python can run examples/fastapi-app: shared by its tests and `pnpm demo`, which
// include the Python hop only where it can run and say how to get it elsewhere.
import { spawnSync } from 'node:child_process';

/** How to get the modules the FastAPI example imports. */
export const PYTHON_INSTALL_HINT =
  'Debian: apt-get install python3-fastapi python3-uvicorn python3-sentry-sdk; pip: pip install fastapi uvicorn sentry-sdk';

/**
 * `$PYTHON` when set; otherwise the first of `python3` and Debian's `/usr/bin/python3`
 * that imports fastapi, uvicorn and sentry_sdk (a pyenv or virtualenv `python3` first on
 * PATH may lack them while the system one has them). Says why when there is none.
 */
export function findPython() {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const probe = spawnSync(
      python,
      ['-c', 'import fastapi, uvicorn, sentry_sdk; print(sentry_sdk.VERSION)'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    if (probe.status === 0) return { ok: true, python, sentrySdkVersion: probe.stdout.trim() };
  }
  return {
    ok: false,
    reason: `no Python that can import fastapi, uvicorn and sentry_sdk (tried ${candidates.join(', ')})`,
  };
}
