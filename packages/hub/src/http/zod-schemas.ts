import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '../errors/error-catalogue.ts';

/**
 * Route schemas are zod schemas, through fastify-type-provider-zod: the same objects validate
 * requests, shape responses (unknown keys are stripped, so a row with a secret column cannot
 * leak through a response), type the handlers, and become the OpenAPI document.
 */
export type { ZodTypeProvider } from 'fastify-type-provider-zod';
export { serializerCompiler as zodSerializerCompiler, validatorCompiler as zodValidatorCompiler };

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

/**
 * @fastify/swagger `transform`: the library's zod → JSON Schema, plus the shared error body for
 * 4xx/5xx, and no security requirement on public routes.
 */
export const openApiTransform: SwaggerTransform = (document) => {
  const { schema, url } = jsonSchemaTransform(document);
  if (!schema || schema.hide) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  const access = (document.route?.config as { access?: { kind: string } } | undefined)?.access;
  // Public routes need no credentials; the rest inherit the document's session/apiToken security.
  if (access?.kind === 'public') out.security = [];
  out.response = {
    ...((schema.response as Record<string, unknown> | undefined) ?? {}),
    '4XX': { description: 'Client error', ...ERROR_BODY_REF },
    '5XX': { description: 'Server error', ...ERROR_BODY_REF },
  };
  return { schema: out as FastifySchema, url };
};

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
