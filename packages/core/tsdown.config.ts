import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    adapter: 'src/adapter.ts',
    register: 'src/register.ts',
    cli: 'src/cli.ts',
  }),
);
