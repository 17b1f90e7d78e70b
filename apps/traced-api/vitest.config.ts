import { packageTestConfig } from '../../vitest.shared.ts';

// PGlite compiles ~10 MB of WebAssembly at every start: seconds on an idle machine, tens of
// seconds on two busy cores. Hooks and tests that start one get room for that.
export default packageTestConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
