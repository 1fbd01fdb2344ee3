import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPublishedPackages, repoRoot } from './packages.ts';

describe('changesets configuration', () => {
  const config = JSON.parse(fs.readFileSync(path.join(repoRoot, '.changeset', 'config.json'), 'utf8'));

  it('versions every published package together', () => {
    const fixedGroups: string[][] = config.fixed;
    expect(fixedGroups).toHaveLength(1);
    const pattern = new RegExp(`^${fixedGroups[0]![0]!.replace('*', '.*')}$`);
    for (const pkg of listPublishedPackages()) expect(pkg.name).toMatch(pattern);
  });

  it('publishes publicly from main', () => {
    expect(config.access).toBe('public');
    expect(config.baseBranch).toBe('main');
  });

  it('every pending changeset names only published packages', () => {
    const names = new Set(listPublishedPackages().map((pkg) => pkg.name));
    const dir = path.join(repoRoot, '.changeset');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const frontMatter = text.split('---')[1] ?? '';
      for (const line of frontMatter.trim().split('\n').filter(Boolean)) {
        const name = line
          .split(':')[0]!
          .trim()
          .replace(/^['"]|['"]$/g, '');
        expect(names, `${file} names ${name}`).toContain(name);
      }
    }
  });
});
