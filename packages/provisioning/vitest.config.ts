import { packageTestConfig } from '../../vitest.shared.ts';

// The integration tests start the sandbox (and its ~2,000-module official client) on two busy
// cores: hooks and tests get room for that.
export default packageTestConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
