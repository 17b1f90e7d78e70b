import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A shell command as a README shows it. */
export interface DocCommand {
  readonly file: string;
  readonly line: number;
  readonly command: string;
}

// A command starts with one of these words, after optional `NAME=value` settings.
const COMMAND = /^(?:[A-Z][A-Z0-9_]*=\S+\s+)*(?:pnpm|npm|npx|node|psql|docker|curl|source)\s\S/;

/** The READMEs whose commands the docs-commands test runs: the root's, each app's and package's, infra's. */
export function readmes(root: string): string[] {
  const inside = (dir: string) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dir, d.name, 'README.md'))
      .filter((path) => {
        try {
          readFileSync(join(root, path));
          return true;
        } catch {
          return false;
        }
      });
  return ['README.md', ...inside('apps'), ...inside('packages'), 'infra/README.md'];
}

/**
 * Every command a README shows: each line of a code block (fenced or indented) and each inline
 * code span that reads as a command; a trailing `# comment` is not part of it.
 */
export function commandsIn(root: string, path: string): DocCommand[] {
  const file = relative(root, join(root, path));
  const found: DocCommand[] = [];
  const add = (text: string, line: number) => {
    const command = text.replace(/\s+#\s.*$/, '').trim();
    if (COMMAND.test(command)) found.push({ file, line, command });
  };
  let fenced = false;
  readFileSync(join(root, path), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) {
        fenced = !fenced;
        return;
      }
      if (fenced || /^ {4}\S/.test(text)) {
        add(text, i + 1);
        return;
      }
      for (const span of text.matchAll(/`([^`]+)`/g)) add(span[1] as string, i + 1);
    });
  return found;
}
