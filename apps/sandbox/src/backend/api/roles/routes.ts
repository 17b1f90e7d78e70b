import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../db/types.ts';
import { badRequest, notFound } from '../errors.ts';
import { methodNotAllowed } from '../methods.ts';
import type { RoutePlugin } from '../plugin.ts';
import { isoMicros } from '../timestamps.ts';
import { validateBody } from '../validation.ts';

/** The permissions every sandbox role carries (the sandbox does not enforce them). */
const PERMISSIONS = [
  { type: 'permissions', id: '00000000-0000-4000-8000-00000000a001' },
  { type: 'permissions', id: '00000000-0000-4000-8000-00000000a002' },
];

/**
 * /api/v2/roles: just enough for `restricted_roles` on monitors and dashboards to name a role
 * that exists (the official client's own scenarios create one first).
 */
export const roleRoutes: RoutePlugin = async (app, { ctx }) => {
  const { roles } = ctx.store;

  app.post('/api/v2/roles', async (request) => {
    const problems = validateBody(request.body, 'RoleCreateRequest', 'v2');
    if (problems.length) throw badRequest(problems);
    const attributes = (request.body as { data: { attributes: JsonObject } }).data.attributes;
    const now = isoMicros(ctx.clock.now());
    const role: JsonObject = {
      type: 'roles',
      id: randomUUID(),
      attributes: { name: String(attributes.name), created_at: now, modified_at: now, user_count: 0 },
      relationships: { permissions: { data: PERMISSIONS } },
    };
    roles.insert(String(role.id), role);
    return { data: role };
  });

  app.get('/api/v2/roles', async () => {
    const all = roles.list();
    return { data: all, meta: { page: { total_count: all.length, total_filtered_count: all.length } } };
  });
  methodNotAllowed(app, '/api/v2/roles', ['GET', 'POST']);

  app.get<{ Params: { role_id: string } }>('/api/v2/roles/:role_id', async (request) => {
    const role = roles.get(request.params.role_id);
    if (!role) throw notFound('Role not found');
    return { data: role };
  });

  app.delete<{ Params: { role_id: string } }>('/api/v2/roles/:role_id', async (request, reply) => {
    if (!roles.delete(request.params.role_id)) throw notFound('Role not found');
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/api/v2/roles/:role_id', ['GET', 'DELETE']);
};
