// The shipped artefact, tested as users get it: every package is packed with
// `pnpm pack`, checked with publint and @arethetypeswrong/cli, installed from the
// tarballs into a project outside the workspace, then imported and required.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPublishedPackages, repoRoot, specifierOf } from './packages.ts';

const packages = listPublishedPackages();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-pack-'));
const tarballs = new Map<string, string>();

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  for (const pkg of packages) {
    if (!fs.existsSync(path.join(pkg.dir, 'dist'))) {
      throw new Error(`${pkg.name} is not built: run \`pnpm build\` (pnpm test does) first`);
    }
    const out = run('pnpm', ['pack', '--pack-destination', workDir, '--json'], pkg.dir);
    const { filename } = JSON.parse(out) as { filename: string };
    tarballs.set(pkg.name, path.isAbsolute(filename) ? filename : path.join(workDir, filename));
  }
}, 120_000);

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe.each(packages.map((pkg) => [pkg.name, pkg] as const))('%s package', (_name, pkg) => {
  it('declares the metadata every published package needs', () => {
    const manifest = pkg.manifest as Record<string, unknown>;
    expect(manifest.engines).toEqual({ node: '>=22.15' });
    expect(manifest.license).toBe('MIT');
    expect(manifest.type).toBe('module');
    expect(manifest.files).toEqual(expect.arrayContaining(['dist']));
    expect(pkg.manifest.exports['./package.json']).toBe('./package.json');
    if (pkg.name !== '@tracewire/testing') {
      // Two copies of the OTel API split its global state, so it is always a peer.
      expect(pkg.manifest.peerDependencies?.['@opentelemetry/api']).toBeDefined();
      expect(Object.keys((manifest.dependencies as object) ?? {})).not.toContain('@opentelemetry/api');
    }
    for (const entry of pkg.entryPoints) {
      const conditions = pkg.manifest.exports[entry] as Record<string, Record<string, string>>;
      // `types` must come first in each branch or TypeScript picks the wrong declaration.
      expect(Object.keys(conditions.import ?? {})[0]).toBe('types');
      expect(Object.keys(conditions.require ?? {})[0]).toBe('types');
    }
  });

  it('is clean under publint', async () => {
    const tarball = fs.readFileSync(tarballs.get(pkg.name)!);
    const { messages, pkg: packed } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((message) => formatMessage(message, packed, { color: false }))).toEqual([]);
  });

  it('has correct types for import and require (@arethetypeswrong/cli)', () => {
    // The node16 profile checks `import` and `require` under Node's resolution; node10
    // predates `exports` and cannot see subpaths such as `./register`.
    const attw = path.join(repoRoot, 'node_modules', '.bin', 'attw');
    let output: string;
    try {
      output = run(attw, [tarballs.get(pkg.name)!, '--profile', 'node16', '--format', 'json'], repoRoot);
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    const report = JSON.parse(output) as { analysis: { problems: { resolutionKind?: string }[] } };
    // The JSON lists every resolution mode; the profile only excuses node10.
    expect(report.analysis.problems.filter((problem) => problem.resolutionKind !== 'node10')).toEqual([]);
  });
});

describe('installed from tarballs outside the workspace', () => {
  let projectDir: string;

  beforeAll(() => {
    projectDir = path.join(workDir, 'consumer');
    fs.mkdirSync(projectDir);
    const dependencies: Record<string, string> = {};
    for (const pkg of packages) {
      dependencies[pkg.name] = `file:${tarballs.get(pkg.name)}`;
      for (const [peer, range] of Object.entries(pkg.manifest.peerDependencies ?? {})) {
        dependencies[peer] ??= range;
      }
    }
    // Workspace packages depend on each other through `workspace:` ranges that pnpm pack
    // rewrites to versions; overrides point those at the local tarballs too.
    const overrides = Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${tarballs.get(pkg.name)}`]));
    fs.writeFileSync(
      path.join(projectDir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2),
    );
    fs.writeFileSync(
      path.join(projectDir, 'pnpm-workspace.yaml'),
      `allowBuilds:\n  protobufjs: false\nnodeVersion: ${process.versions.node}\noverrides:\n${Object.entries(
        overrides,
      )
        .map(([name, spec]) => `  "${name}": "${spec}"`)
        .join('\n')}\n`,
    );
    run('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile'], projectDir);
  }, 240_000);

  const entries = packages.flatMap((pkg) => pkg.entryPoints.map((entry) => specifierOf(pkg, entry)));
  // Importing the register entry initialises telemetry; nothing is listening, so keep
  // every exporter off for the smoke run.
  const quietEnv = { ...process.env, OTEL_SDK_DISABLED: 'true', SENTRY_DSN: '', LOG_LEVEL: 'silent' };

  it.each(entries)('imports %s as ESM', (specifier) => {
    const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], projectDir, quietEnv);
    const keys = JSON.parse(out.trim().split('\n').at(-1)!) as string[];
    if (!specifier.endsWith('/register')) expect(keys.length).toBeGreaterThan(0);
  });

  it.each(entries)('requires %s as CommonJS', (specifier) => {
    const script = `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
    const out = run(process.execPath, ['-e', script], projectDir, quietEnv);
    const keys = JSON.parse(out.trim().split('\n').at(-1)!) as string[];
    if (!specifier.endsWith('/register')) expect(keys.length).toBeGreaterThan(0);
  });

  it('exposes the same names to import and require', () => {
    for (const specifier of entries) {
      const esm = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(specifier)})).filter(k => k !== 'default').sort()))`,
        ],
        projectDir,
        quietEnv,
      );
      const cjs = run(
        process.execPath,
        ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`],
        projectDir,
        quietEnv,
      );
      expect(JSON.parse(esm.trim().split('\n').at(-1)!), specifier).toEqual(
        JSON.parse(cjs.trim().split('\n').at(-1)!),
      );
    }
  });

  it('serves what adapters build on from @tracewire/core/adapter, and what services call from the main entry', () => {
    const keysOf = (specifier: string, loader: 'import' | 'require') => {
      const script =
        loader === 'import'
          ? `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(specifier)}))))`
          : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
      const args = loader === 'import' ? ['--input-type=module', '-e', script] : ['-e', script];
      return JSON.parse(
        run(process.execPath, args, projectDir, quietEnv).trim().split('\n').at(-1)!,
      ) as string[];
    };
    for (const loader of ['import', 'require'] as const) {
      const adapter = keysOf('@tracewire/core/adapter', loader);
      const main = keysOf('@tracewire/core', loader);
      expect(adapter, loader).toEqual(
        expect.arrayContaining([
          'createRequestObserver',
          'resolveRequestId',
          'REQUEST_FIELD_LIMITS',
          'capturedByDefault',
        ]),
      );
      expect(main, loader).toEqual(expect.arrayContaining(['initObservability', 'getObservability']));
      expect(main, loader).not.toContain('createRequestObserver');
    }
    // The adapter subpath does nothing on import: only `./register` has side effects.
    const core = packages.find((pkg) => pkg.name === '@tracewire/core');
    expect(core?.manifest.sideEffects).toEqual(['./dist/register.mjs', './dist/register.cjs']);
  });

  it('installs the tracewire bin', () => {
    expect(fs.existsSync(path.join(projectDir, 'node_modules', '.bin', 'tracewire'))).toBe(true);
  });
});
