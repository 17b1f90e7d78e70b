import { packageTestConfig } from '../../vitest.shared.ts';

const config = packageTestConfig();
// Vitest 5 applies ssr.resolve.conditions to require() inside externalised CommonJS too, so the
// shared list's 'import' makes pg's require('pg-pool') load pg-pool's ESM build ("Class extends
// value [object Module]"). Vite adds import/require by itself; keep only the source condition.
if (config.ssr?.resolve) config.ssr.resolve.conditions = ['@dd-challenge/source', 'node'];

export default config;
