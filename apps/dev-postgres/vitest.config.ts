import { packageTestConfig } from '../../vitest.shared.ts';

// PGlite compiles ~10 MB of WebAssembly at every start: seconds on an idle machine, tens of
// seconds on two busy cores. Hooks and tests that start one get room for that.
const config = packageTestConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
// Vitest 5 applies ssr.resolve.conditions to require() inside externalised CommonJS too, so the
// shared list's 'import' makes pg's require('pg-pool') load pg-pool's ESM build ("Class extends
// value [object Module]"). Vite adds import/require by itself; keep only the source condition.
if (config.ssr?.resolve) config.ssr.resolve.conditions = ['@dd-challenge/source', 'node'];

export default config;
