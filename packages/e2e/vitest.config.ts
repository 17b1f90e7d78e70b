import { packageTestConfig } from '../../vitest.shared.ts';

// One file at a time (each starts the demo or its parts on ports of its own): the checks of a file run in
// order against what it started, with room for a cold start.
export default packageTestConfig({ test: { maxWorkers: 1, testTimeout: 120_000, hookTimeout: 180_000 } });
