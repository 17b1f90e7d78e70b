// Every relative link of every tracked Markdown file leads to a file or folder of the repository,
// and none leaves it: a reader's clone has nothing beside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const markdown = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** `[text](target)` links, without web, mail and in-page ones. */
function links(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

describe('documentation links', () => {
  it('finds the Markdown files', () => {
    expect(markdown).toContain('README.md');
  });

  it.each(markdown)('%s links only to files inside the repository', (file) => {
    const broken = links(file).filter((target) => {
      const path = resolve(root, dirname(file), target);
      return relative(root, path).startsWith('..') || !existsSync(path);
    });
    expect(broken).toEqual([]);
  });
});
