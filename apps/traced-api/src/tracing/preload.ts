// Loaded with `--import` BEFORE dd-trace/initialize.mjs: the tracer reads its settings from the
// environment when it starts, so the service tags from @dd-challenge/config must be there first.
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '@dd-challenge/config';
import { tracerEnvironment } from './tracer-settings.ts';

const config = loadConfigOrExit();
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

Object.assign(
  process.env,
  tracerEnvironment(process.env, {
    env: config.service.env,
    service: config.service.service,
    version: config.service.version ?? pkg.version,
    agentUrl: config.agent.traceAgentUrl,
    dogstatsdHost: config.agent.host,
    dogstatsdPort: config.agent.dogstatsdPort,
  }),
);
