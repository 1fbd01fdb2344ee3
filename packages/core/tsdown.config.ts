import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    adapter: 'src/adapter.ts',
    register: 'src/register.ts',
    cli: 'src/cli.ts',
    // Started as a worker thread by the OTLP log export: it must be a file of its own in dist.
    'otlp-log-worker': 'src/logging/otlp-log-worker.ts',
  }),
);
