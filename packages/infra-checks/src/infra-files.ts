import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The repository's infra/ folder: these checks read the real files, never copies. */
export const INFRA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra');

/** Path of a file under infra/. */
export function infraPath(...parts: string[]): string {
  return join(INFRA_DIR, ...parts);
}

/** Text of a file under infra/. */
export function readInfraText(...parts: string[]): string {
  return readFileSync(infraPath(...parts), 'utf8');
}

/** A YAML file under infra/, parsed; a YAML error names the file. */
export function readInfraYaml(...parts: string[]): unknown {
  const text = readInfraText(...parts);
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new Error(`infra/${parts.join('/')} is not valid YAML: ${(error as Error).message}`);
  }
}

/** KEY=value lines of a dotenv file (comments and blank lines skipped). */
export function parseEnvExample(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) vars.set(m[1], (m[2] ?? '').trim());
  }
  return vars;
}
