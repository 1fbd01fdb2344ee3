import { describe, expect, it } from 'vitest';
import { unhandledRejectionsMode } from '../../src/lifecycle/unhandled-rejections-mode.ts';

describe('unhandledRejectionsMode', () => {
  it("is Node's default, throw, when the flag is given nowhere", () => {
    expect(unhandledRejectionsMode([], undefined)).toBe('throw');
    expect(
      unhandledRejectionsMode(['--import', '@tracewire/core/register'], '--max-old-space-size=512'),
    ).toBe('throw');
  });

  it('reads both spellings, the last one winning, and ignores values Node would reject', () => {
    expect(unhandledRejectionsMode(['--unhandled-rejections=warn'], '')).toBe('warn');
    expect(unhandledRejectionsMode(['--unhandled-rejections', 'strict'], '')).toBe('strict');
    expect(
      unhandledRejectionsMode(
        ['--unhandled-rejections=none', '--unhandled-rejections=warn-with-error-code'],
        '',
      ),
    ).toBe('warn-with-error-code');
    expect(unhandledRejectionsMode(['--unhandled-rejections=loud'], '')).toBe('throw');
  });

  it('reads NODE_OPTIONS, and lets the command line win over it', () => {
    expect(unhandledRejectionsMode([], '--enable-source-maps --unhandled-rejections=none')).toBe('none');
    expect(unhandledRejectionsMode(['--unhandled-rejections=strict'], '--unhandled-rejections=warn')).toBe(
      'strict',
    );
  });
});
