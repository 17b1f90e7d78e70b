import { packageTestConfig } from '../../vitest.shared.ts';

// The integration tests start the sandbox (and its ~2,000-module official client) on two busy
// cores: hooks and tests get room for that.
const config = packageTestConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
// Vitest 5 applies ssr.resolve.conditions to require() inside externalised CommonJS too, so the
// shared list's 'import' makes the sandbox's pg load pg-pool's ESM build ("Class extends value
// [object Module]"). Vite adds import/require by itself; keep only the source condition.
if (config.ssr?.resolve) config.ssr.resolve.conditions = ['@dd-challenge/source', 'node'];

export default config;
