import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

export default defineConfig(packageBuild({ index: 'src/index.ts', fixtures: 'src/fixtures/index.ts' }));
