import type {
  FastifySchema,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  FastifyTypeProvider,
} from 'fastify';
import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '../errors/error-catalogue.ts';

/**
 * Route schemas are zod schemas. The same objects validate requests, shape responses (unknown
 * keys are stripped, so a row with a secret column cannot leak through a response), type the
 * handlers, and become the OpenAPI document.
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** Carries zod's issues to the error handler, which answers 400 with them as details. */
export class RequestValidationError extends Error {
  readonly issues: { path: string; message: string }[];
  readonly part: string;

  constructor(part: string, error: z.ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    super(
      `The request ${part} is invalid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
    this.part = part;
    this.issues = issues;
  }
}

function isZod(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!isZod(schema)) throw new Error('route schemas must be zod schemas');
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success
      ? { value: result.data }
      : {
          error: new RequestValidationError(
            httpPart === 'querystring' ? 'query' : (httpPart ?? 'input'),
            result.error,
          ),
        };
  };
};

export const zodSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  if (!isZod(schema)) return (data) => JSON.stringify(data);
  return (data) => JSON.stringify(schema.parse(data));
};

function toJsonSchema(schema: unknown, io: 'input' | 'output'): unknown {
  if (!isZod(schema)) return schema;
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
}

/** The error catalogue as OpenAPI components: every code with its status and message. */
export const ERROR_COMPONENTS = {
  ErrorCode: {
    type: 'string' as const,
    enum: ERROR_CODES,
    description: ERROR_CODES.map(
      (code) => `- \`${code}\` (${ERROR_CATALOGUE[code].status}): ${ERROR_CATALOGUE[code].message}`,
    ).join('\n'),
    'x-koppel-errors': Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_CATALOGUE[code]])),
  },
  ErrorBody: {
    type: 'object' as const,
    required: ['error'],
    properties: {
      error: {
        type: 'object' as const,
        required: ['code', 'message'],
        properties: {
          code: { $ref: '#/components/schemas/ErrorCode' },
          message: { type: 'string' as const },
          details: {},
        },
      },
    },
  },
};

const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBody' };

/** @fastify/swagger `transform`: zod → JSON Schema, plus the shared error body for 4xx/5xx. */
export function openApiTransform({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route?: { config?: { access?: { kind: string } } };
}) {
  if (!schema) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  // Public routes need no credentials; the rest inherit the document's session/apiToken security.
  if (route?.config?.access?.kind === 'public') out.security = [];
  for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
    if (schema[part]) out[part] = toJsonSchema(schema[part], 'input');
  }
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(
    (schema.response as Record<string, unknown> | undefined) ?? {},
  )) {
    responses[status] = toJsonSchema(body, 'output');
  }
  responses['4XX'] = { description: 'Client error', ...ERROR_BODY_REF };
  responses['5XX'] = { description: 'Server error', ...ERROR_BODY_REF };
  out.response = responses;
  return { schema: out as FastifySchema, url };
}

/** Shared schema pieces. */
export const Timestamp = z.string().meta({ format: 'date-time' });
export const WorkspaceParams = z.object({ workspaceId: z.uuid() });
export const Email = z.email().max(320);
export const EmptyReply = z.null().meta({ description: 'No content' });

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
