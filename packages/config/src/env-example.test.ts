import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvExample } from './env-example.ts';
import { findRepoRoot } from './repo-root.ts';
import { SETTINGS } from './settings.ts';

describe('.env.example', () => {
  const text = readFileSync(join(findRepoRoot(import.meta.dirname), '.env.example'), 'utf8');

  it('is what renderEnvExample gives (regenerate it after changing a setting)', () => {
    expect(text).toBe(renderEnvExample());
  });

  it('documents every setting, and holds no value for a secret', () => {
    for (const [name, def] of Object.entries(SETTINGS)) {
      expect(text).toContain(`# ${name}=`);
      if ('secret' in def && def.secret) expect(text).toContain(`# ${name}=\n`);
    }
  });
});
