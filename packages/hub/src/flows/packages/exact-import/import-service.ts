import { randomUUID } from 'node:crypto';
import type { DestinationsService } from '../../../destinations/destinations-service.ts';
import { HubError } from '../../../errors/hub-error.ts';
import { csvLine, csvObjects, parseCsv } from '../../csv-format.ts';
import type { FlowRow, FlowRunRow } from '../../flows-repository.ts';
import {
  type ColumnMapping,
  columnsOfRows,
  mappableFields,
  mappingProblem,
  mapRow,
  suggestMapping,
} from './column-mapping.ts';
import { exactImportPackage, exactImportSettings } from './exact-import-package.ts';
import {
  groupDocumentLines,
  IMPORT_ENTITIES,
  type ImportColumn,
  type ImportEntity,
  validateRows,
} from './import-entities.ts';
import { type ImportRowResult, ImportStore, type ImportSummary, type RowStatus } from './import-store.ts';

/** Rows one upload may hold; bigger sets go in several uploads. */
export const MAX_IMPORT_ROWS = 10_000;
/** Rows of the file the mapping preview shows. */
export const PREVIEW_ROWS = 5;

export interface ImportUpload {
  entity: string;
  division?: number | undefined;
  /** Rows as objects (JSON), or CSV text with a header line. */
  rows?: Record<string, unknown>[] | undefined;
  csv?: string | undefined;
  /** The file's columns → the entity's fields; without it the columns are the fields' names. */
  mapping?: ColumnMapping | undefined;
  fileName?: string | undefined;
}

/** What the dashboard shows before an import runs: the file's columns, a proposed mapping and the first rows. */
export interface ImportPreview {
  entity: string;
  columns: string[];
  fields: ImportColumn[];
  mapping: ColumnMapping;
  /** Required fields no column is mapped to: every row would fail without them. */
  unmappedRequired: string[];
  rows: number;
  sample: Record<string, unknown>[];
}

function entityOf(flow: FlowRow, name: string): ImportEntity {
  const entity = IMPORT_ENTITIES.find((candidate) => candidate.name === name);
  if (entity === undefined || !flow.entities.includes(name)) {
    throw new HubError(
      'import_invalid',
      `The flow imports ${flow.entities.join(', ')}; "${name}" is not one of them.`,
    );
  }
  return entity;
}

/** The upload's flat rows (a CSV's lines, or the JSON objects) and its columns in file order. */
function flatRows(upload: ImportUpload): { rows: Record<string, unknown>[]; columns: string[] } {
  if (upload.csv === undefined) {
    const rows = upload.rows ?? [];
    return { rows, columns: columnsOfRows(rows) };
  }
  // The header, not the rows: a column empty in every row is still a column to map.
  const header = (parseCsv(upload.csv)[0] ?? []).map((name) => name.trim()).filter((name) => name !== '');
  return { rows: csvObjects(upload.csv), columns: header };
}

/** Uploads into an "Import into Exact" flow: validated, stored, and a run queued for their stream. */
export class ImportService {
  readonly #destinations: DestinationsService;
  readonly #divisionsOf: (flow: FlowRow) => Promise<number[]>;
  readonly #requestRun: (flow: FlowRow, only: string[]) => Promise<FlowRunRow>;

  constructor(deps: {
    destinations: DestinationsService;
    /** The flow's divisions that are linked now. */
    divisionsOf: (flow: FlowRow) => Promise<number[]>;
    requestRun: (flow: FlowRow, only: string[]) => Promise<FlowRunRow>;
  }) {
    this.#destinations = deps.destinations;
    this.#divisionsOf = deps.divisionsOf;
    this.#requestRun = deps.requestRun;
  }

  async #withStore<T>(flow: FlowRow, work: (store: ImportStore) => Promise<T>): Promise<T> {
    if (flow.packageId !== exactImportPackage.id)
      throw HubError.of('wrong_package', { packageId: flow.packageId });
    const settings = exactImportSettings.parse(flow.settings);
    const destination = await this.#destinations.open(flow.workspaceId, flow.destinationId);
    try {
      const store = new ImportStore(destination.driver, settings.schema);
      await store.prepare();
      return await work(store);
    } finally {
      await destination.close();
    }
  }

  /** The file read as the import would read it, with the mapping it proposes; nothing is stored. */
  preview(flow: FlowRow, upload: ImportUpload): ImportPreview {
    if (flow.packageId !== exactImportPackage.id)
      throw HubError.of('wrong_package', { packageId: flow.packageId });
    const entity = entityOf(flow, upload.entity);
    const problem = upload.mapping === undefined ? null : mappingProblem(entity, upload.mapping);
    if (problem !== null) throw new HubError('import_invalid', problem);
    const { rows, columns } = flatRows(upload);
    if (rows.length === 0) throw new HubError('import_invalid', 'The file holds no rows.');
    const fields = mappableFields(entity);
    const mapping = upload.mapping ?? suggestMapping(columns, fields);
    const mapped = new Set(Object.values(mapping));
    const kept = new Set(columns.filter((column) => !Object.hasOwn(mapping, column)));
    return {
      entity: entity.name,
      columns,
      fields,
      mapping,
      unmappedRequired: fields
        .filter((field) => field.required && !mapped.has(field.name) && !kept.has(field.name))
        .filter((field) => !(field.line && (mapped.has('lines') || kept.has('lines'))))
        .map((field) => field.name),
      rows: rows.length,
      sample: rows.slice(0, PREVIEW_ROWS),
    };
  }

  /** Validates every row (a message per bad field), stores the upload and queues its run. */
  async upload(flow: FlowRow, upload: ImportUpload): Promise<{ summary: ImportSummary; run: FlowRunRow }> {
    const entity = entityOf(flow, upload.entity);
    const problem = upload.mapping === undefined ? null : mappingProblem(entity, upload.mapping);
    if (problem !== null) throw new HubError('import_invalid', problem);
    const divisions = await this.#divisionsOf(flow);
    const division = upload.division ?? divisions[0];
    if (division === undefined || !divisions.includes(division)) {
      throw new HubError(
        'import_invalid',
        `Division ${upload.division ?? '(none linked)'} is not one of the flow's linked divisions (${divisions.join(', ')}).`,
      );
    }
    const { rows: sent } = flatRows(upload);
    const mapping = upload.mapping;
    const flat = mapping === undefined ? sent : sent.map((row) => mapRow(row, mapping));
    const input = entity.linesField === undefined ? flat : groupDocumentLines(flat);
    if (input.length === 0) throw new HubError('import_invalid', 'The upload holds no rows.');
    if (input.length > MAX_IMPORT_ROWS) {
      throw new HubError(
        'import_invalid',
        `The upload holds ${input.length} rows; at most ${MAX_IMPORT_ROWS} go in one upload.`,
      );
    }
    const settings = exactImportSettings.parse(flow.settings);
    const rows = validateRows(entity, input, settings.accountMatch);
    const id = randomUUID();
    const summary = await this.#withStore(flow, async (store) => {
      await store.create(
        {
          id,
          flowId: flow.id,
          division,
          entity: entity.name,
          mapping: upload.mapping,
          fileName: upload.fileName,
        },
        rows,
      );
      return (await store.summary(flow.id, id)) as ImportSummary;
    });
    const run = await this.#requestRun(flow, [`${division}/${entity.name}`]);
    return { summary, run };
  }

  /** The flow's imports, newest first, with their counts. */
  async list(flow: FlowRow, limit: number): Promise<ImportSummary[]> {
    return this.#withStore(flow, (store) => store.list(flow.id, limit));
  }

  async result(
    flow: FlowRow,
    importId: string,
    options: { status?: RowStatus | undefined; limit: number; offset: number },
  ): Promise<{ summary: ImportSummary; rows: ImportRowResult[] }> {
    return this.#withStore(flow, async (store) => {
      const summary = await store.summary(flow.id, importId);
      if (summary === undefined) throw new HubError('import_not_found');
      return { summary, rows: await store.rows(importId, { ...options }) };
    });
  }

  /** Every row's result as CSV: row, key, status, Exact id, message, and the row as sent. */
  async resultCsv(flow: FlowRow, importId: string): Promise<string> {
    return this.#withStore(flow, async (store) => {
      if ((await store.summary(flow.id, importId)) === undefined) throw new HubError('import_not_found');
      const rows = await store.rows(importId, { limit: MAX_IMPORT_ROWS, offset: 0 });
      return (
        csvLine(['row', 'key', 'status', 'exact_id', 'message', 'input']) +
        rows
          .map((row) => csvLine([row.rowNumber, row.rowKey, row.status, row.exactId, row.message, row.input]))
          .join('')
      );
    });
  }
}
