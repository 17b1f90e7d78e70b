/**
 * Requests and time of provisioning against the sandbox, counted at a proxy in front of it:
 * - a no-change plan of the challenge set and of the challenge set + 100 owned monitors, against
 *   the per-resource refresh Terraform does (`plan --refresh`: one GET per resource), same run;
 * - apply of 100 new monitors (validate + create each) at the default concurrency, against the
 *   same apply one request at a time.
 * Writes bench-results/requests.json and prints it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig, type Target } from '@dd-challenge/config';
import { apply } from '../src/apply.ts';
import { createApi } from '../src/client.ts';
import {
  challengeSet,
  definitionSettings,
  myMetricMonitor,
  ownershipTags,
} from '../src/definitions/index.ts';
import type { Definition } from '../src/definitions/types.ts';
import { destroy } from '../src/destroy.ts';
import { plan } from '../src/plan.ts';
import { FaultProxy, TEST_ENV } from '../test/support.ts';

const MONITORS = 100;

// The sandbox runs in a worker thread (its own event loop, as its own process would); the proxy
// that counts requests and the client run here.
const worker = new Worker(new URL('./sandbox-worker.ts', import.meta.url));
const { apiUrl } = await new Promise<{ apiUrl: string }>((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
const config = loadConfig({ env: TEST_ENV, envFile: false });
const proxy = await FaultProxy.start(apiUrl);
const target: Target = {
  name: 'sandbox',
  apiUrl: proxy.url,
  appUrl: proxy.url,
  apiKey: config.sandbox.apiKey,
  appKey: config.sandbox.appKey,
};
const settings = definitionSettings(config);
const challenge = challengeSet(settings);

function benchMonitors(): Definition[] {
  const base = myMetricMonitor(settings).body;
  return Array.from({ length: MONITORS }, (_, i) => {
    const name = `bench-monitor-${String(i + 1).padStart(3, '0')}`;
    const body = {
      ...base,
      name: `bench ${i + 1}`,
      query: base.query.replace('my_metric', `bench.metric_${i + 1}`),
      tags: ownershipTags(name),
    };
    return { kind: 'monitor' as const, name, body };
  });
}

/** Requests a step makes, counted at the proxy. */
async function counted(step: () => Promise<unknown>): Promise<number> {
  proxy.reset();
  await step();
  return proxy.count;
}

async function timed(step: () => Promise<{ ok: boolean }>): Promise<{ ms: number; requests: number }> {
  proxy.reset();
  const started = performance.now();
  const result = await step();
  if (!result.ok) throw new Error('apply failed during the benchmark');
  return { ms: Math.round(performance.now() - started), requests: proxy.count };
}

try {
  const api = createApi(target);
  const serialApi = createApi(target, { policy: { concurrency: 1 } });
  await apply(api, challenge);
  const challengePlan = await counted(() => plan(api, challenge));
  const challengeRefresh = await counted(() => plan(api, challenge, { refresh: true }));

  const withMonitors = [...challenge, ...benchMonitors()];
  const serial = await timed(() => apply(serialApi, withMonitors));
  await apply(api, challenge); // deletes the 100 again
  const parallel = await timed(() => apply(api, withMonitors));
  const bigPlan = await counted(() => plan(api, withMonitors));
  const bigRefresh = await counted(() => plan(api, withMonitors, { refresh: true }));
  const leftover = (await plan(api, withMonitors)).empty;
  await destroy(api);

  const results = {
    benchmark:
      'provisioning requests and apply time against the sandbox (in-process, loopback, counted at a proxy)',
    noChangePlan: {
      challengeSet: {
        resources: challenge.length,
        requests: challengePlan,
        perResourceRefreshRequests: challengeRefresh,
        ratio: +(challengePlan / challengeRefresh).toFixed(3),
      },
      with100Monitors: {
        resources: withMonitors.length,
        requests: bigPlan,
        perResourceRefreshRequests: bigRefresh,
        ratio: +(bigPlan / bigRefresh).toFixed(3),
      },
      target: '<= 3 requests, the same for both',
      met: challengePlan <= 3 && bigPlan === challengePlan,
    },
    apply100Monitors: {
      ms: parallel.ms,
      requests: parallel.requests,
      serialMs: serial.ms,
      ratio: +(parallel.ms / serial.ms).toFixed(3),
      concurrency: api.http.policy.concurrency,
      target: '<= 3000 ms',
      met: parallel.ms <= 3000,
      convergedAfter: leftover,
    },
  };
  const dir = join(import.meta.dirname, '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'requests.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await proxy.close();
  const closed = new Promise((resolve) => worker.once('message', resolve));
  worker.postMessage('close');
  await closed;
  await worker.terminate();
}
