// @fastify/otel and the older OpenTelemetry packages it brings (`@opentelemetry/core` 2.x,
// `@opentelemetry/instrumentation` 0.222) are loaded only when the plugin is asked for
// them. Checked in child processes that record every module they load, through both
// builds of the package: `import` (index.mjs) and `require` (index.cjs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessSuite } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagesAreBuilt, startChildApp } from './helpers/child-app.ts';
import { httpRequest } from './helpers/http-request.ts';

/** The real folder of the package `name` as `requireFrom` resolves it (its `exports` may hide package.json). */
function packageDirectory(requireFrom: NodeJS.Require, name: string): string {
  let directory = path.dirname(fs.realpathSync(requireFrom.resolve(name)));
  while (!isPackageRoot(directory, name)) {
    const parent = path.dirname(directory);
    if (parent === directory)
      throw new Error(`no package.json of ${name} above ${requireFrom.resolve(name)}`);
    directory = parent;
  }
  return directory;
}

function isPackageRoot(directory: string, name: string): boolean {
  const manifest = path.join(directory, 'package.json');
  return fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === name;
}

const requireFromThisPackage = createRequire(new URL('../package.json', import.meta.url));
const fastifyOtelDirectory = packageDirectory(requireFromThisPackage, '@fastify/otel');
const requireFromFastifyOtel = createRequire(path.join(fastifyOtelDirectory, 'package.json'));
const fastifyOtelPackages = {
  '@fastify/otel': fastifyOtelDirectory,
  '@opentelemetry/core': packageDirectory(requireFromFastifyOtel, '@opentelemetry/core'),
  '@opentelemetry/instrumentation': packageDirectory(
    requireFromFastifyOtel,
    '@opentelemetry/instrumentation',
  ),
};
// The copy tracewire's SDK loads in every service: shows that the load hook sees packages.
const tracewireOtelCore = packageDirectory(
  createRequire(requireFromThisPackage.resolve('@tracewire/core')),
  '@opentelemetry/core',
);

/** The modules loaded from files inside `directory`. */
function loadedFrom(modules: readonly string[], directory: string): string[] {
  return modules.filter(
    (url) => url.startsWith('file:') && fileURLToPath(url).startsWith(`${directory}${path.sep}`),
  );
}

describe.skipIf(!packagesAreBuilt)('which modules @tracewire/fastify loads (needs `pnpm build`)', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  it('checks copies of its own: @fastify/otel’s OpenTelemetry packages are not the SDK’s', () => {
    // Should @fastify/otel move to the SDK's line, its core is tracewire's and loaded anyway.
    expect(fastifyOtelPackages['@opentelemetry/core']).not.toBe(tracewireOtelCore);
  });

  describe.each(['module-loading.mjs', 'module-loading.cjs'])('%s', (fixture) => {
    async function loadedModules(env: Record<string, string>) {
      const app = await suite.startApp(fixture, { env: { ...suite.sink.env, ...env } });
      // A request first: nothing may be loaded on the request path either.
      expect((await httpRequest(`${app.url}/users/1`)).status).toBe(200);
      const response = await httpRequest(`${app.url}/loaded-modules`);
      expect(response.status).toBe(200);
      return response.json() as { fastifyOtelPlugin: boolean; modules: string[] };
    }

    it('loads none of @fastify/otel’s modules by default', async () => {
      const { fastifyOtelPlugin, modules } = await loadedModules({});
      expect(fastifyOtelPlugin).toBe(false);
      expect(loadedFrom(modules, tracewireOtelCore)).not.toEqual([]);
      for (const [name, directory] of Object.entries(fastifyOtelPackages)) {
        expect(loadedFrom(modules, directory), name).toEqual([]);
      }
    });

    it('loads @fastify/otel and its packages with fastifyOtel: {}', async () => {
      const { fastifyOtelPlugin, modules } = await loadedModules({ FASTIFY_OTEL: 'on' });
      expect(fastifyOtelPlugin).toBe(true);
      for (const [name, directory] of Object.entries(fastifyOtelPackages)) {
        expect(loadedFrom(modules, directory), name).not.toEqual([]);
      }
    });
  });
});
