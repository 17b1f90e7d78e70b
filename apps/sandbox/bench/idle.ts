// Idle CPU: a sandbox started as `pnpm sandbox` (its checks and monitor engine running, no
// traffic), its CPU time over 30 s after a 10 s settle. Target: under 2 % of one core.
import { report, round, sleep, startSandboxProcess } from './support.ts';

const SETTLE_MS = 10_000;
const MEASURE_MS = 30_000;

const sandbox = await startSandboxProcess();
try {
  await sleep(SETTLE_MS);
  const before = sandbox.cpuSeconds();
  await sleep(MEASURE_MS);
  const share = (sandbox.cpuSeconds() - before) / (MEASURE_MS / 1000);
  report('idle', {
    target: 'under 2 % of one core',
    measured_seconds: MEASURE_MS / 1000,
    cpu_share_of_one_core: round(share, 4),
    rss_mb: sandbox.rssMb(),
    met: share < 0.02,
  });
} finally {
  await sandbox.stop();
}
