// `pnpm bench`: each benchmark in its own process, one after the other (two cores: never two
// at once); each writes bench-results/<name>.json.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const only = process.argv.slice(2);
for (const name of ['dogstatsd', 'traces', 'memory', 'idle', 'query']) {
  if (only.length > 0 && !only.includes(name)) continue;
  execFileSync(
    process.execPath,
    ['--conditions=@dd-challenge/source', fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    {
      stdio: 'inherit',
    },
  );
}
