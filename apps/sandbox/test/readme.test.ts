// The README's settings list against the configuration's schema: every setting it names exists,
// every literal default it shows is the schema's default, and every SANDBOX_ setting is listed.
import { readFileSync } from 'node:fs';
import { SETTINGS } from '@dd-challenge/config';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.split('## Settings')[1]?.split('\n## ')[0] ?? '';
/** `- \`NAME [default]\`: meaning`; a default in *italics* describes a computed value. */
const listed = [...section.matchAll(/^- `([A-Z0-9_]+) \[([^\]]*)\]`: \S/gm)].map((m) => ({
  name: m[1] as string,
  shown: m[2] as string,
}));
/** A parsed value as text; a Secret's own text, not its redaction. */
const text = (v: unknown) =>
  String(
    typeof (v as { reveal?: unknown })?.reveal === 'function' ? (v as { reveal(): string }).reveal() : v,
  );
const schemaOf = (name: string) =>
  (SETTINGS as Record<string, { schema: { parse(v: unknown): unknown } }>)[name];

describe('sandbox README settings', () => {
  it('lists settings as `NAME [default]: meaning`', () => {
    expect(listed.length).toBeGreaterThan(10);
  });

  it.each(listed)('$name exists and shows its default', ({ name, shown }) => {
    const setting = schemaOf(name);
    expect(setting, `${name} is not a setting of packages/config`).toBeDefined();
    if (!setting || /^\*.*\*$/.test(shown)) return;
    const fallback = setting.schema.parse(undefined);
    if (shown === 'none') expect(fallback).toBeUndefined();
    else expect(text(setting.schema.parse(shown))).toBe(text(fallback));
  });

  it('lists every SANDBOX_ setting', () => {
    const names = new Set(listed.map((s) => s.name));
    const missing = Object.keys(SETTINGS).filter((n) => n.startsWith('SANDBOX_') && !names.has(n));
    expect(missing).toEqual([]);
  });
});
