// prometheus.yml must load in the Prometheus the stack runs and in Debian's promtool 2.x,
// which CI uses: no 3.x-only keys.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findExecutable, RUNNING_IN_CI, stackPath } from './helpers/stack-files.ts';

describe('prometheus.yml', () => {
  const promtool = findExecutable('promtool');
  if (promtool) {
    it('passes `promtool check config`', () => {
      const result = spawnSync(promtool, ['check', 'config', stackPath('prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
      expect(result.status).toBe(0);
    });
  } else if (RUNNING_IN_CI) {
    it('needs promtool, which .ci/run installs', () => {
      throw new Error('promtool is not on PATH: .ci/run installs the Debian "prometheus" package');
    });
  } else {
    it.skip('skipped: promtool is not installed (apt-get install prometheus)', () => {});
  }
});
