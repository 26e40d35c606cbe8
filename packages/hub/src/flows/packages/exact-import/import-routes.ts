import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConnectionsDeps } from '../../../connections/connections-deps.ts';
import { HubError } from '../../../errors/hub-error.ts';
import { access } from '../../../http/access.ts';
import type { RoutePlugin } from '../../../http/route-plugin.ts';
import type { ZodTypeProvider } from '../../../http/zod-schemas.ts';
import type { Role } from '../../../storage/schema.ts';
import { flowGuard, guardedFlow } from '../../flow-guards.ts';
import type { FlowsRepository } from '../../flows-repository.ts';
import { RunView, runView } from '../../flows-views.ts';
import { type ImportService, type ImportUpload, MAX_IMPORT_ROWS, PREVIEW_ROWS } from './import-service.ts';
import type { ImportSummary } from './import-store.ts';

/** Largest file accepted in a multipart upload. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

const FlowParams = z.object({ flowId: z.uuid() });
const ImportParams = FlowParams.extend({ importId: z.uuid() });
const STATUSES = ['pending', 'created', 'updated', 'unchanged', 'failed'] as const;
const UploadBody = z.object({
  entity: z.string().min(1).max(50).meta({ description: 'accounts | contacts | items' }),
  division: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "Default: the flow's first linked division" }),
  rows: z.array(z.record(z.string(), z.unknown())).max(MAX_IMPORT_ROWS).optional(),
  csv: z
    .string()
    .max(MAX_FILE_BYTES)
    .optional()
    .meta({ description: 'CSV with a header line, instead of rows' }),
  mapping: z.record(z.string(), z.string().nullable()).optional().meta({
    description:
      "The file's columns → the entity's fields (null: leave the column out); columns it does not name keep their name",
  }),
  fileName: z.string().max(255).optional().meta({ description: 'Shown with the import' }),
});
const Mapping = z.record(z.string(), z.string().nullable());
const ImportView = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  division: z.number().int(),
  entity: z.string(),
  rows: z.number().int(),
  counts: z.record(z.enum(STATUSES), z.number().int()),
  mapping: Mapping.nullable().meta({ description: 'The mapping the upload was read with' }),
  fileName: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
const PreviewView = z.object({
  entity: z.string(),
  columns: z.array(z.string()).meta({ description: "The file's columns, in file order" }),
  fields: z.array(
    z.object({
      name: z.string(),
      required: z.boolean(),
      line: z
        .boolean()
        .optional()
        .meta({ description: "A document line's field; not needed when rows hold their lines" }),
    }),
  ),
  mapping: Mapping.meta({ description: 'Proposed (or the one sent): column → field or null' }),
  unmappedRequired: z.array(z.string()),
  rows: z.number().int(),
  sample: z
    .array(z.record(z.string(), z.unknown()))
    .meta({ description: `The first ${PREVIEW_ROWS} rows as read from the file` }),
});
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const RowView = z.object({
  rowNumber: z.number().int(),
  rowKey: z.string().nullable(),
  status: z.enum(STATUSES),
  exactId: z.string().nullable(),
  message: z
    .string()
    .nullable()
    .meta({ description: "Why the row failed: the bad fields, or Exact's message" }),
  input: z.record(z.string(), z.unknown()),
});
const ResultQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_IMPORT_ROWS).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const importView = (summary: ImportSummary) => ({ ...summary, createdAt: summary.createdAt.toISOString() });

/** A JSON body, or a multipart form with `entity`, optional `division` and one `.csv` or `.json` file. */
async function readUpload(request: FastifyRequest): Promise<ImportUpload> {
  if (!request.isMultipart()) {
    const parsed = UploadBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new HubError('import_invalid', z.prettifyError(parsed.error));
    return parsed.data;
  }
  const fields: Record<string, string> = {};
  let file: { name: string; text: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const buffer = await part.toBuffer();
      if (part.file.truncated)
        throw new HubError('import_invalid', `The file is larger than ${MAX_FILE_BYTES} bytes.`);
      file = { name: part.filename, text: buffer.toString('utf8') };
    } else fields[part.fieldname] = String(part.value);
  }
  let mapping: unknown;
  if (fields.mapping !== undefined) {
    try {
      mapping = JSON.parse(fields.mapping);
    } catch (error) {
      throw new HubError(
        'import_invalid',
        `The mapping field is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  if (file === undefined)
    throw new HubError('import_invalid', 'The form has no file; send it in a field named "file".');
  const json = file.name.toLowerCase().endsWith('.json') || file.text.trimStart().startsWith('[');
  let rows: unknown;
  if (json) {
    try {
      rows = JSON.parse(file.text);
    } catch (error) {
      throw new HubError('import_invalid', `The file is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = UploadBody.safeParse({
    ...fields,
    mapping,
    fileName: file.name,
    ...(json ? { rows } : { csv: file.text }),
  });
  if (!parsed.success) throw new HubError('import_invalid', z.prettifyError(parsed.error));
  return parsed.data;
}

/** Uploads into an "Import into Exact" flow and their results per row (JSON and CSV). */
export function importRoutes(
  imports: ImportService,
  flows: FlowsRepository,
  connections: ConnectionsDeps,
): RoutePlugin {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10 } });
    const r = app.withTypeProvider<ZodTypeProvider>();
    const onFlow = <S extends object>(role: Role, summary: string, schema: S) => ({
      config: { access: access.user },
      preValidation: flowGuard(connections, flows, role),
      schema: { tags: ['flows'], summary, ...schema },
    });

    r.post(
      '/flows/:flowId/imports',
      onFlow(
        'admin',
        'Upload rows to import into Exact: JSON {entity, division?, rows | csv} or a multipart form (entity, division, file)',
        {
          params: FlowParams,
          response: { 202: z.object({ import: ImportView, run: RunView }) },
        },
      ),
      async (request, reply) => {
        const { summary, run } = await imports.upload(guardedFlow(request), await readUpload(request));
        return reply.code(202).send({ import: importView(summary), run: runView(run, []) });
      },
    );

    r.post(
      '/flows/:flowId/imports/preview',
      onFlow(
        'admin',
        "Read a file as an import would (same body as an upload) and propose a mapping of its columns to the entity's fields; nothing is stored",
        { params: FlowParams, response: { 200: PreviewView } },
      ),
      async (request) => imports.preview(guardedFlow(request), await readUpload(request)),
    );

    r.get(
      '/flows/:flowId/imports',
      onFlow('viewer', "The flow's imports, newest first, with their counts", {
        params: FlowParams,
        querystring: ListQuery,
        response: { 200: z.object({ imports: z.array(ImportView) }) },
      }),
      async (request) => ({
        imports: (await imports.list(guardedFlow(request), request.query.limit)).map(importView),
      }),
    );

    r.get(
      '/flows/:flowId/imports/:importId',
      onFlow(
        'viewer',
        "An import's counts and its rows' results (created, updated, unchanged, failed with the reason)",
        {
          params: ImportParams,
          querystring: ResultQuery,
          response: { 200: z.object({ import: ImportView, rows: z.array(RowView) }) },
        },
      ),
      async (request) => {
        const { summary, rows } = await imports.result(
          guardedFlow(request),
          request.params.importId,
          request.query,
        );
        return { import: importView(summary), rows };
      },
    );

    r.get(
      '/flows/:flowId/imports/:importId/results.csv',
      onFlow('viewer', "An import's results per row as CSV", { params: ImportParams }),
      async (request, reply) => {
        const csv = await imports.resultCsv(guardedFlow(request), request.params.importId);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="import-${request.params.importId}.csv"`)
          .send(csv);
      },
    );
  };
}
