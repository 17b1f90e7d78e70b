/**
 * The sandbox's layering, read from the import statements of its sources (type-only imports
 * count): the backend's domain code (monitors, downtimes, the resource store) imports no HTTP
 * code, and nothing that goes into dist/ imports a test helper.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(APP, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Each import of a file: the package name, or the path (from apps/sandbox) it names. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles.map(({ fileName }) =>
    fileName.startsWith('.') ? relative(APP, resolve(dirname(file), fileName)) : fileName,
  );
}

/** `file -> import` for every import of the files under `dirs` that `bad` flags. */
function offending(dirs: string[], bad: (target: string) => boolean, skip = (_f: string) => false): string[] {
  return dirs.flatMap((dir) =>
    sources(join(SRC, dir))
      .filter((f) => !skip(f))
      .flatMap((f) =>
        importsOf(f)
          .filter(bad)
          .map((target) => `${relative(APP, f)} -> ${target}`),
      ),
  );
}

describe('layering', () => {
  it('keeps monitors, downtimes and the store free of HTTP: no fastify, nothing from backend/api', () => {
    const http = (target: string) =>
      target === 'fastify' || target.startsWith('fastify/') || target.startsWith('src/backend/api/');
    expect(offending(['backend/monitors', 'backend/downtimes', 'backend/db'], http)).toEqual([]);
  });

  it('finds an HTTP import where there is one (the check reads what it should)', () => {
    const http = (target: string) => target === 'fastify' || target.startsWith('src/backend/api/');
    expect(offending(['backend/api'], http).length).toBeGreaterThan(0);
  });

  it('compiles no test helper into dist/: only *.test.ts files under src/ import from test/', () => {
    const fromTest = (target: string) => target.startsWith('test/');
    const isTest = (file: string) => file.endsWith('.test.ts');
    expect(offending(['.'], fromTest, isTest)).toEqual([]);
    // Unit tests beside the code do use test/support: the check sees those imports.
    expect(offending(['.'], fromTest).length).toBeGreaterThan(0);
    // and the build leaves those test files out.
    const build = JSON.parse(readFileSync(join(APP, 'tsconfig.build.json'), 'utf8')) as {
      exclude?: string[];
    };
    expect(build.exclude).toContain('src/**/*.test.ts');
  });
});
