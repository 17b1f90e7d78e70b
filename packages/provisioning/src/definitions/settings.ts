import { hostname as machineName } from 'node:os';
import type { Config } from '@dd-challenge/config';

/** The few settings the definitions depend on, taken from the project's configuration. */
export interface DefinitionSettings {
  /** Who monitors, downtimes and the snapshot event @-notify, e.g. `@you@example.com`. */
  readonly notifyHandle: string;
  /** IANA zone of the downtime schedules. */
  readonly downtimeTimezone: string;
  /** Default value of the dashboards' `host` template variable: this machine, as the emitter tags it. */
  readonly host: string;
  /** Default `env` of the APM dashboard and the service whose traces it shows. */
  readonly env: string;
  readonly service: string;
}

/** Definition settings from the validated configuration (DD_HOSTNAME, else the machine's name). */
export function definitionSettings(config: Config): DefinitionSettings {
  return {
    notifyHandle: config.notifyHandle,
    downtimeTimezone: config.downtimeTimezone,
    host: config.hostname ?? machineName(),
    env: config.service.env,
    service: config.service.service,
  };
}
