// `pnpm dev`'s sandbox task. With both Datadog keys set the demo targets Datadog and the real
// Agent from infra/ (which owns ports 8125 and 8126), so the sandbox steps aside instead of
// competing for them. `pnpm sandbox` (src/main.ts) always starts it.
import { loadConfigOrExit, resolveTargetOrExit } from '@dd-challenge/config';

const config = loadConfigOrExit();
const target = resolveTargetOrExit(config).name;
if (target === 'datadog') {
  process.stdout.write(
    `sandbox (dev): DD_API_KEY and DD_APP_KEY are set, so pnpm dev targets Datadog (${config.datadog.site}) and the Agent at ${config.agent.host}; the sandbox is not started.\n`,
  );
} else {
  await import('./main.ts');
}
