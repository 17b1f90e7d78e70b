import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The sandbox's memory and speed depend on how node is launched (malloc tunables, compile cache,
// young generation size): every script that starts it must launch it as `pnpm sandbox` does, and
// the benchmarks measure that very launch.
const scripts = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The environment words and node flags of a script, without the source-condition flag. */
function launch(name: string): { env: string[]; flags: string[] } {
  const words = (scripts[name] ?? '').split(/\s+/);
  return {
    env: words.filter((w) => /^[A-Z_]+=/.test(w)),
    flags: words.filter((w) => w.startsWith('--') && !w.startsWith('--conditions')),
  };
}

describe('every script that starts the sandbox launches node as `pnpm sandbox` does', () => {
  const reference = launch('sandbox');
  it('pnpm sandbox sets the malloc tunables, the compile cache, the semi-space size and --expose-gc', () => {
    expect(reference.env.map((e) => e.split('=')[0])).toEqual(['GLIBC_TUNABLES', 'NODE_COMPILE_CACHE']);
    // --expose-gc: the trace intake gives V8's pooled pages back once idle (heap-release.ts).
    expect(reference.flags).toEqual(['--max-semi-space-size=2', '--expose-gc']);
  });
  for (const name of ['dev', 'start', 'bench:memory', 'bench:dogstatsd', 'bench:traces']) {
    it(name, () => expect(launch(name)).toEqual(reference));
  }
});
