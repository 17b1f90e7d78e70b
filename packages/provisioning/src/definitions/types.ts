import type { v1, v2 } from '@datadog/datadog-api-client';

/** The kinds of resource provisioning manages, in the order apply creates them. */
export const KINDS = ['monitor', 'dashboard', 'downtime'] as const;
export type Kind = (typeof KINDS)[number];

/** One desired resource: its kind, its stable name (the challenge-id) and its API body. */
export type Definition =
  | { readonly kind: 'dashboard'; readonly name: string; readonly body: v1.Dashboard }
  | { readonly kind: 'monitor'; readonly name: string; readonly body: v1.Monitor }
  | { readonly kind: 'downtime'; readonly name: string; readonly body: v2.DowntimeCreateRequestAttributes };

export type DashboardDefinition = Extract<Definition, { kind: 'dashboard' }>;
export type MonitorDefinition = Extract<Definition, { kind: 'monitor' }>;
export type DowntimeDefinition = Extract<Definition, { kind: 'downtime' }>;
