import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details: the body of every 4xx/5xx answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** For 400s: which fields were wrong, as `body.title`, `querystring.limit`, `params.id`. */
  errors?: Array<{ field: string; message: string }>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** JSON schema of a Problem, for route response declarations. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/** The problem responses every database-backed route can give besides its own. */
export const commonProblemResponses = {
  400: problemSchema,
  503: problemSchema,
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Sends a problem with the right status and content type. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: Partial<Problem> = {},
) {
  const problem: Problem = {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
