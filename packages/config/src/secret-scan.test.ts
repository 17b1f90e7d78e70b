import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from './repo-root.ts';

// The secret scan `pnpm check` runs (secretlint with the repository's rules) must catch what
// the seed committed: a Datadog key in a variable, in a header, in a URL, and a private key.
const root = findRepoRoot(import.meta.dirname);
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(name: string, text: string): Promise<{ code: number; output: string }> {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    const { stdout } = await run(
      join(root, 'node_modules/.bin/secretlint'),
      ['--secretlintrc', join(root, '.secretlintrc.json'), file],
      { cwd: root },
    );
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, output: e.stdout };
  }
}

// Built at run time so this file itself never holds a key-shaped string.
const fakeKey = (n: number) => 'abcdef0123456789'.repeat(4).slice(0, n);

describe('secret scan', () => {
  const planted: [string, string][] = [
    ['env.txt', `DD_API_KEY=${fakeKey(32)}\n`],
    ['config.ts', `const options = { DATADOG_APP_KEY: '${fakeKey(40)}' };\n`],
    ['curl.sh', `curl -H "DD-API-KEY: ${fakeKey(32)}" https://api.datadoghq.com/api/v1/validate\n`],
    [
      'seed.py',
      `requests.get("https://api.datadoghq.com/api/v1/dash?api_key=${fakeKey(32)}&application_key=x")\n`,
    ],
    [
      'id_rsa',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString(),
    ],
  ];
  for (const [name, text] of planted) {
    it(`fails on a planted key in ${name}`, async () => {
      const { code, output } = await scan(name, text);
      expect(code).not.toBe(0);
      expect(output).toContain(name);
    });
  }

  it('passes a file that only names the variables', async () => {
    const { code } = await scan('example.env', 'DD_API_KEY=\nDD_APP_KEY=<40 hex characters>\n');
    expect(code).toBe(0);
  });
});
