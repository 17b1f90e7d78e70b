import { SETTINGS } from './settings.ts';

/** The text of .env.example: every setting, commented out, with what it means and an example. */
export function renderEnvExample(): string {
  const lines = [
    '# Every setting of the project. Copy to .env (git-ignored) and uncomment what you change.',
    '# Nothing here is required: with no keys, everything talks to the local sandbox.',
    '# Regenerate with: pnpm --filter @dd-challenge/config env-example',
    '',
  ];
  for (const [name, def] of Object.entries(SETTINGS)) {
    lines.push(`# ${def.description}`);
    lines.push('secret' in def && def.secret ? `# ${name}=` : `# ${name}=${def.example}`);
    lines.push('');
  }
  return lines.join('\n');
}
