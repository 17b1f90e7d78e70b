import type { SandboxContext } from '../../context.ts';

/** The one user of the sandbox: creator of monitors, author of dashboards and downtimes. */
export interface SandboxUser {
  id: number;
  uuid: string;
  handle: string;
  email: string;
  name: string;
}

/** The sandbox's user; its handle is NOTIFY_HANDLE without the '@' (you@example.com by default). */
export function sandboxUser(ctx: SandboxContext): SandboxUser {
  const handle = ctx.config.notifyHandle.replace(/^@/, '') || 'sandbox@localhost';
  return { id: 1, uuid: '00000000-0000-4000-8000-000000000001', handle, email: handle, name: 'Sandbox User' };
}
