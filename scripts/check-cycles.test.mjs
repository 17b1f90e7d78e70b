// The cycle check run as CI runs it, on folders made for the test: `node --test scripts/check-cycles.test.mjs`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./check-cycles.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'check-cycles-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** A folder under the test's temporary one holding `files` (path -> text). */
function folder(name, files) {
  const dir = join(base, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs the script on `dir` from inside it, so it prints paths relative to it. */
function check(dir) {
  const r = spawnSync(process.execPath, [SCRIPT, '.'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim().split('\n'), err: r.stderr };
}

describe('check-cycles', () => {
  it('prints each cycle as a chain of files and exits 1, type-only imports and re-exports included', () => {
    const dir = folder('with-cycles', {
      'a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'b.ts': "import type { C } from './c.ts';\nexport const b: C = 1;\n",
      'c.ts': "export type { A } from './a.ts';\nexport type C = number;\n",
      // `.js` written for a `.ts` file, and a folder's index.
      'd.ts': "export * from './sub';\n",
      'sub/index.ts': "import '../d.js';\n",
      'leaf.ts': "import { a } from './a.ts';\nimport { readFileSync } from 'node:fs';\n",
    });
    const r = check(dir);
    assert.equal(r.status, 1, r.err);
    assert.deepEqual(r.out, [
      'cycle: a.ts -> b.ts -> c.ts -> a.ts',
      'cycle: d.ts -> sub/index.ts -> d.ts',
      '2 import cycles in 6 TypeScript files',
    ]);
  });

  it('exits 0 on a folder without a cycle, node_modules and dist left out', () => {
    const dir = folder('without-cycles', {
      'a.ts': "import { b } from './b.ts';\nexport { c } from './c.ts';\nexport const a = b;\n",
      'b.ts':
        "import type { C } from './c.ts';\nexport const b: C = 1;\nexport const later = () => import('./c.ts');\n",
      'c.ts': "import { z } from 'zod';\nexport type C = number;\nexport const c = z;\n",
      'node_modules/x/index.ts': "import './index.ts';\n",
      'dist/a.ts': "import './a.ts';\n",
    });
    const r = check(dir);
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(r.out, ['no import cycles in 3 TypeScript files']);
  });

  it('names a folder that does not exist and exits 2', () => {
    const r = spawnSync(process.execPath, [SCRIPT, join(base, 'nowhere')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not a folder: .*nowhere/);
  });
});
