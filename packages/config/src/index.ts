export {
  type Config,
  describeConfig,
  type Env,
  type LoadOptions,
  loadConfig,
  loadConfigOrExit,
  validateSettings,
} from './config.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { ConfigError, type ConfigProblem } from './errors.ts';
export { findRepoRoot } from './repo-root.ts';
export { redactUrl, Secret } from './secret.ts';
export { SETTINGS, type SettingName, type Settings } from './settings.ts';
export { apiUrlFor, appUrlFor, DATADOG_SITES, type DatadogSite } from './sites.ts';
export { resolveTarget, resolveTargetOrExit, type Target, type TargetName } from './target.ts';
