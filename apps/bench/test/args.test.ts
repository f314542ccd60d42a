import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS, OPS, parseBenchArgs, UsageError } from '../src/args.js';

describe('parseBenchArgs', () => {
  it('defaults to every op and backend, a table, adaptive runs', () => {
    const a = parseBenchArgs([]);
    expect(a).toMatchObject({ json: false, quick: false, help: false, runs: undefined, seed: 1 });
    expect(a.only).toEqual([...OPS]);
    expect(a.backends).toEqual([...ALL_BACKENDS]);
  });

  it('reads lists, flags and numbers, ignoring the -- that pnpm passes through', () => {
    const a = parseBenchArgs([
      '--',
      '--json',
      '--only',
      'infonce,lif_step',
      '--backends=js,numpy',
      '--runs',
      '4',
      '--quick',
    ]);
    expect(a).toMatchObject({
      json: true,
      quick: true,
      runs: 4,
      only: ['infonce', 'lif_step'],
      backends: ['js', 'numpy'],
    });
  });

  it.each([
    [['--fast'], /--fast/],
    [['--only', 'softmax'], /--only: unknown "softmax"/],
    [['--backends', 'js,cuda'], /--backends: unknown "cuda"/],
    [['--only', ','], /--only: expected a comma-separated list/],
    [['--runs', '0'], /--runs: expected an integer ≥ 1, got "0"/],
    [['--runs', '2.5'], /--runs: expected an integer ≥ 1/],
    [['--json', 'extra'], /extra/],
  ])('rejects %j with a UsageError', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
