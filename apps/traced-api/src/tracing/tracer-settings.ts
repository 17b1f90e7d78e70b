/**
 * dd-trace settings this app starts with unless the environment says otherwise. Each one is
 * either a unified-service tag or a feature the app does not use whose per-request or
 * background cost showed in bench/throughput.ts (README "Tracer settings" has the figures).
 */
export const TRACER_DEFAULTS: Readonly<Record<string, string>> = {
  // Wanted: runtime metrics (runtime.node.*) and trace ids in every pino line.
  DD_RUNTIME_METRICS_ENABLED: 'true',
  DD_LOGS_INJECTION: 'true',
  // dd-trace's start-up banner is a JSON dump of its settings: noise in `pnpm dev`'s output.
  DD_TRACE_STARTUP_LOGS: 'false',
  // Code origin captures a stack trace for every entry span: the largest single cost measured.
  DD_CODE_ORIGIN_FOR_SPANS_ENABLED: 'false',
  // Telemetry (heartbeats, metrics, dependency lists) and remote config polling: background
  // HTTP to the agent every few seconds; nothing here consumes them.
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  // Security products are off: they hook every request (WAF, taint tracking).
  DD_APPSEC_ENABLED: 'false',
  DD_IAST_ENABLED: 'false',
  DD_API_SECURITY_ENABLED: 'false',
  // Baggage is a third propagation style parsed and injected on every request; we use none.
  DD_TRACE_PROPAGATION_STYLE: 'datadog,tracecontext',
  // Instrumentations this app never needs: DNS lookups and raw sockets would add a span per
  // pg connection; the rest never load here anyway.
  DD_TRACE_DISABLED_INSTRUMENTATIONS: 'dns,net',
};

/**
 * The environment dd-trace should start with: the project's unified service tags and agent
 * address (from @dd-challenge/config, so .env works too), the defaults above, and whatever
 * the caller already set, which wins.
 */
export function tracerEnvironment(
  current: Readonly<Record<string, string | undefined>>,
  tags: {
    env: string;
    service: string;
    version: string;
    agentUrl: string;
    dogstatsdHost: string;
    dogstatsdPort: number;
  },
): Record<string, string> {
  const wanted: Record<string, string> = {
    ...TRACER_DEFAULTS,
    DD_ENV: tags.env,
    DD_SERVICE: tags.service,
    DD_VERSION: tags.version,
    DD_TRACE_AGENT_URL: tags.agentUrl,
    DD_DOGSTATSD_HOST: tags.dogstatsdHost,
    DD_DOGSTATSD_PORT: String(tags.dogstatsdPort),
  };
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    const given = current[name];
    result[name] = given === undefined || given === '' ? value : given;
  }
  return result;
}
