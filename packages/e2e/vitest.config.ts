import { packageTestConfig } from '../../vitest.shared.ts';

// One stack, started once: the checks run in order against it, with room for a cold start.
export default packageTestConfig({ test: { maxWorkers: 1, testTimeout: 120_000, hookTimeout: 180_000 } });
