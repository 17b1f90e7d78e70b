import type { Target } from '@dd-challenge/config';
import type { Kind } from './definitions/types.ts';

/**
 * Where a person opens a resource: on Datadog the web app of the site (app.<site>/dashboard/<id>,
 * /monitors/<id>, /monitors/downtimes?id=<id>); on the sandbox its console, which serves the same paths.
 */
export function resourceUrl(target: Target, kind: Kind, id: string): string {
  const base = target.appUrl.replace(/\/+$/, '');
  switch (kind) {
    case 'dashboard':
      return `${base}/dashboard/${encodeURIComponent(id)}`;
    case 'monitor':
      return `${base}/monitors/${encodeURIComponent(id)}`;
    case 'downtime':
      return `${base}/monitors/downtimes?id=${encodeURIComponent(id)}`;
  }
}
