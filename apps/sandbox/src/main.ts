import { loadConfigOrExit } from '@dd-challenge/config';
import { startSandbox } from './sandbox.ts';

const config = loadConfigOrExit();
const sandbox = await startSandbox({ config });
const { log } = sandbox.context;

// Before the line that says it listens: whoever reads that line may stop it at once.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // One Ctrl-C can arrive twice (the terminal's group signal, and pnpm passing its own on).
    if (stopping) return;
    stopping = true;
    log.debug(`${signal}: flushing and stopping`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  });
}

log.info(
  {
    api: sandbox.apiUrl,
    traces: sandbox.traceUrl,
    dogstatsd: `${sandbox.dogstatsd.host}:${sandbox.dogstatsd.port}/udp`,
    dataDir: sandbox.context.dataDir,
  },
  `sandbox listening: console and API ${sandbox.apiUrl}, traces ${sandbox.traceUrl}, DogStatsD udp://${sandbox.dogstatsd.host}:${sandbox.dogstatsd.port}`,
);
