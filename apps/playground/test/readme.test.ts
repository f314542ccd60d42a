/** The README's code is run as written: its example and its backend-selection snippet. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

/** The first ```ts block after the heading `title`. */
function snippet(title: string): string {
  const start = readme.indexOf(`\n${title}\n`);
  expect(start, `README has no heading ${title}`).toBeGreaterThan(-1);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error(`no ts block after ${title}`);
  return match[1];
}

/** Runs a snippet as an ES module inside this workspace package (so its imports resolve). */
function run(code: string): string {
  const file = fileURLToPath(new URL(`../readme-snippet-${process.pid}.mjs`, import.meta.url));
  writeFileSync(file, code);
  try {
    return execFileSync(process.execPath, [file], { encoding: 'utf8' });
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README', () => {
  it('the 10-line example runs and prints a loss, W and the goodness', () => {
    const code = snippet('## Example');
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
    const out = run(code);
    expect(out).toMatch(/^0\.\d+ Float32Array\(6\) \[/);
    expect(out.trim()).toMatch(/\] 2$/);
  });

  it('the backend selection snippet runs as shown', () => {
    const code = `${snippet('## Backends: choosing what runs')}
console.log(JSON.stringify(listBackends()));`;
    expect(JSON.parse(run(code).trim())).toEqual([{ name: 'js', priority: 1, instance: 'js', active: true }]);
  });
});
