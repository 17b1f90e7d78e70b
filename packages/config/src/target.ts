import type { Config } from './config.ts';
import { ConfigError } from './errors.ts';
import type { Secret } from './secret.ts';

export type TargetName = 'sandbox' | 'datadog';

/** Where provisioning sends its requests: the base URL, the keys, and where a person looks. */
export interface Target {
  readonly name: TargetName;
  readonly apiUrl: string;
  readonly appUrl: string;
  readonly apiKey: Secret;
  readonly appKey: Secret;
}

/**
 * The target rule: an explicit choice wins; both Datadog keys mean Datadog; neither means the
 * sandbox; one key alone is a mistake to report, never a silent fallback to the sandbox.
 */
export function resolveTarget(config: Config, explicit?: TargetName | string): Target {
  const { apiKey, appKey } = config.datadog;
  if (explicit !== undefined && explicit !== 'sandbox' && explicit !== 'datadog') {
    throw new ConfigError([
      { variable: '--target', problem: `"${explicit}" is not sandbox or datadog`, example: 'sandbox' },
    ]);
  }
  const wantsDatadog = explicit === 'datadog' || (explicit === undefined && (apiKey || appKey));
  if (wantsDatadog) {
    const missing = [!apiKey && 'DD_API_KEY', !appKey && 'DD_APP_KEY'].filter(Boolean) as string[];
    if (missing.length > 0) {
      const why =
        explicit === 'datadog'
          ? 'is required with --target datadog'
          : 'is required when the other Datadog key is set (set both for Datadog, neither for the sandbox)';
      throw new ConfigError(
        missing.map((variable) => ({
          variable,
          problem: `is not set: it ${why}`,
          example: variable === 'DD_API_KEY' ? '<32 hex characters>' : '<40 hex characters>',
        })),
      );
    }
    return {
      name: 'datadog',
      apiUrl: config.datadog.apiUrl,
      appUrl: config.datadog.appUrl,
      apiKey: apiKey as Secret,
      appKey: appKey as Secret,
    };
  }
  return {
    name: 'sandbox',
    apiUrl: config.sandbox.url,
    appUrl: config.sandbox.url,
    apiKey: config.sandbox.apiKey,
    appKey: config.sandbox.appKey,
  };
}

/** For a program's entry point: the target, or one line per problem on stderr and exit 1. */
export function resolveTargetOrExit(config: Config, explicit?: TargetName | string): Target {
  try {
    return resolveTarget(config, explicit);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Invalid configuration:\n${error.message}\n`);
    process.exit(1);
  }
}
