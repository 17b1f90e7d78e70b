import { references } from './interpolate.ts';

/** A Compose file as the checks see it: only the fields they read, everything else left loose. */
export interface ComposeFile {
  readonly services?: Record<string, ComposeService>;
  readonly [key: string]: unknown;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly environment?: Record<string, string | number | boolean | null> | string[];
  readonly healthcheck?: { readonly test?: string | string[]; readonly disable?: boolean };
  readonly depends_on?: string[] | Record<string, { readonly condition?: string }>;
  readonly profiles?: string[];
  readonly [key: string]: unknown;
}

/** One broken rule: which service (or '*'), and what is wrong, in words a reviewer can act on. */
export interface Problem {
  readonly service: string;
  readonly message: string;
}

/** A service's environment as name -> raw value (before interpolation), list or map form. */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const eq = item.indexOf('=');
      env.set(eq === -1 ? item : item.slice(0, eq), eq === -1 ? '' : item.slice(eq + 1));
    }
  } else if (raw) {
    for (const [k, v] of Object.entries(raw)) env.set(k, v === null ? '' : String(v));
  }
  return env;
}

function services(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services ?? {});
}

const SECRET_NAME = /(^|_)(API_KEY|APP_KEY|KEY|PASSWORD|PASSWD|TOKEN|SECRET)(_|$)/;

/**
 * Secrets come from .env by reference, never written in the file: a secret-looking variable (or
 * one `isSecret` names) must be a bare `${VAR}` / `${VAR:?msg}` with no default, and a URL may carry
 * a password only as such a reference.
 */
export function inlineSecrets(compose: ComposeFile, isSecret: (name: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  for (const [name, service] of services(compose)) {
    for (const [variable, value] of environmentOf(service)) {
      const refs = references(value);
      for (const ref of refs) {
        if (
          (SECRET_NAME.test(ref.name) || isSecret(ref.name)) &&
          ref.operator?.includes('-') &&
          ref.argument
        ) {
          problems.push({
            service: name,
            message: `${variable} gives the secret \${${ref.name}} a default written in the file`,
          });
        }
      }
      const withoutRefs = value.replace(/\$\{[^}]*\}/g, '').trim();
      if ((SECRET_NAME.test(variable) || isSecret(variable)) && !/^[a-z]+:\/\//i.test(value)) {
        if (withoutRefs !== '') {
          problems.push({
            service: name,
            message: `${variable} is a secret written in the file; use \${${variable}} from .env`,
          });
        }
        continue;
      }
      // References become an opaque marker so their messages (spaces, slashes) do not break the URL.
      const marked = value.replace(/\$\{[^}]*\}/g, '${}');
      const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(marked)?.[1];
      if (userinfo?.includes(':') && userinfo.slice(userinfo.indexOf(':') + 1) !== '${}') {
        problems.push({
          service: name,
          message: `${variable} has a password written in its URL; use a \${...} from .env`,
        });
      }
    }
  }
  return problems;
}

/** Every service declares a healthcheck that is not switched off. */
export function missingHealthchecks(compose: ComposeFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, service] of services(compose)) {
    const hc = service.healthcheck;
    const test = hc?.test;
    const disabled = hc?.disable === true || (Array.isArray(test) ? test[0] === 'NONE' : test === 'NONE');
    if (!hc || disabled || test === undefined || (Array.isArray(test) && test.length < 2)) {
      problems.push({ service: name, message: 'has no healthcheck (or it is disabled)' });
    }
  }
  return problems;
}

/** Dependants wait for health: long-form depends_on with condition service_healthy on a checked service. */
export function dependantsNotWaitingForHealth(compose: ComposeFile): Problem[] {
  const problems: Problem[] = [];
  const all = compose.services ?? {};
  for (const [name, service] of services(compose)) {
    const deps = service.depends_on;
    if (deps === undefined) continue;
    if (Array.isArray(deps)) {
      problems.push({
        service: name,
        message: `depends_on ${deps.join(', ')} in short form only waits for the start, not for health`,
      });
      continue;
    }
    for (const [target, spec] of Object.entries(deps)) {
      if (spec?.condition !== 'service_healthy') {
        problems.push({
          service: name,
          message: `depends_on ${target} with condition ${spec?.condition ?? '(none)'}, not service_healthy`,
        });
      }
      if (!(target in all))
        problems.push({ service: name, message: `depends_on ${target}, which is not a service` });
      else if (all[target]?.healthcheck === undefined) {
        problems.push({
          service: name,
          message: `waits for ${target} to be healthy, but ${target} has no healthcheck`,
        });
      }
    }
  }
  return problems;
}

/**
 * Pulled images name a version at least to the major (`datadog/agent:7`, `postgres:17`), never
 * latest or nothing; images built here (a `build` section) are exempt.
 */
export function unpinnedImages(compose: ComposeFile): Problem[] {
  const problems: Problem[] = [];
  for (const [name, service] of services(compose)) {
    if (service.build !== undefined) continue;
    const image = service.image;
    if (image === undefined) {
      problems.push({ service: name, message: 'has neither image nor build' });
      continue;
    }
    if (image.includes('@sha256:')) continue;
    const lastSlash = image.lastIndexOf('/');
    const colon = image.indexOf(':', lastSlash + 1);
    const tag = colon === -1 ? undefined : image.slice(colon + 1);
    if (tag === undefined || !/^v?\d+([.-]|$)/.test(tag)) {
      problems.push({
        service: name,
        message: `image ${image} is not pinned to a version (wanted e.g. ${image.split(':')[0]}:7)`,
      });
    }
  }
  return problems;
}

/**
 * The apps (services built here) only receive variables the project's configuration knows, so a
 * typo such as DATADOG_HOST fails here instead of being silently ignored in the container.
 */
export function unknownAppVariables(compose: ComposeFile, known: (name: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  for (const [name, service] of services(compose)) {
    if (service.build === undefined) continue;
    for (const variable of environmentOf(service).keys()) {
      if (!known(variable)) {
        problems.push({
          service: name,
          message: `sets ${variable}, which no setting of @dd-challenge/config reads`,
        });
      }
    }
  }
  return problems;
}

/** Every variable the file interpolates, with the services that use it. */
export function interpolatedVariables(compose: ComposeFile): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (value: unknown, service: string): void => {
    if (typeof value === 'string') {
      for (const ref of references(value)) {
        const set = found.get(ref.name) ?? new Set<string>();
        set.add(service);
        found.set(ref.name, set);
      }
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, service);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v, service);
    }
  };
  for (const [name, service] of services(compose)) visit(service, name);
  return found;
}
