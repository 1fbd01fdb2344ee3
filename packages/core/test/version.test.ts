import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRACEWIRE_VERSION } from '../src/index.ts';

describe('TRACEWIRE_VERSION', () => {
  it('is the version in package.json, so releases never ship a stale number', () => {
    const manifest = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(TRACEWIRE_VERSION).toBe(manifest.version);
  });
});
