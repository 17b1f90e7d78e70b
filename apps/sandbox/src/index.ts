export { type Clock, ManualClock, ScaledClock, systemClock } from './clock.ts';
export type { SandboxContext } from './context.ts';
export { type Sandbox, type SandboxOptions, startSandbox } from './sandbox.ts';
