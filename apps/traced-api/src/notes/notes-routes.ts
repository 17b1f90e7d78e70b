import type { FastifyInstance } from 'fastify';
import { commonProblemResponses, problemSchema, sendProblem } from '../problem.ts';
import type { NotesRepository } from './notes-repository.ts';

const note = {
  type: 'object',
  required: ['id', 'title', 'body', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    body: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
} as const;

interface IdParams {
  id: number;
}

/** The notes resource: create, list (paginated), get, delete. */
export async function notesRoutes(app: FastifyInstance, options: { notes: NotesRepository }): Promise<void> {
  const { notes } = options;

  app.post<{ Body: { title: string; body: string } }>(
    '/api/notes',
    {
      schema: {
        body: {
          type: 'object',
          required: ['title', 'body'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 200 },
            body: { type: 'string', maxLength: 10_000 },
          },
        },
        response: { 201: note, ...commonProblemResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await notes.create(request.body)),
  );

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/notes',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'total', 'limit', 'offset'],
            properties: {
              items: { type: 'array', items: note },
              total: { type: 'integer' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
            },
          },
          ...commonProblemResponses,
        },
      },
    },
    async (request) => notes.list(request.query),
  );

  app.get<{ Params: IdParams }>(
    '/api/notes/:id',
    { schema: { params: idParams, response: { 200: note, 404: problemSchema, ...commonProblemResponses } } },
    async (request, reply) => {
      const found = await notes.get(request.params.id);
      return found ?? sendProblem(reply, 404, `Note ${request.params.id} does not exist.`);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/notes/:id',
    {
      schema: {
        params: idParams,
        response: { 204: { type: 'null' }, 404: problemSchema, ...commonProblemResponses },
      },
    },
    async (request, reply) =>
      (await notes.remove(request.params.id))
        ? reply.code(204).send()
        : sendProblem(reply, 404, `Note ${request.params.id} does not exist.`),
  );
}
