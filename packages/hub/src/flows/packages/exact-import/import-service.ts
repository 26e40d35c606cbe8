import { randomUUID } from 'node:crypto';
import type { DestinationsService } from '../../../destinations/destinations-service.ts';
import { HubError } from '../../../errors/hub-error.ts';
import { csvLine, csvObjects } from '../../csv-format.ts';
import type { FlowRow, FlowRunRow } from '../../flows-repository.ts';
import { exactImportPackage, exactImportSettings } from './exact-import-package.ts';
import { groupDocumentLines, IMPORT_ENTITIES, validateRows } from './import-entities.ts';
import { type ImportRowResult, ImportStore, type ImportSummary, type RowStatus } from './import-store.ts';

/** Rows one upload may hold; bigger sets go in several uploads. */
export const MAX_IMPORT_ROWS = 10_000;

export interface ImportUpload {
  entity: string;
  division?: number | undefined;
  /** Rows as objects (JSON), or CSV text with a header line. */
  rows?: Record<string, unknown>[] | undefined;
  csv?: string | undefined;
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

  /** Validates every row (a message per bad field), stores the upload and queues its run. */
  async upload(flow: FlowRow, upload: ImportUpload): Promise<{ summary: ImportSummary; run: FlowRunRow }> {
    const entity = IMPORT_ENTITIES.find((candidate) => candidate.name === upload.entity);
    if (entity === undefined || !flow.entities.includes(upload.entity)) {
      throw new HubError(
        'import_invalid',
        `The flow imports ${flow.entities.join(', ')}; "${upload.entity}" is not one of them.`,
      );
    }
    const divisions = await this.#divisionsOf(flow);
    const division = upload.division ?? divisions[0];
    if (division === undefined || !divisions.includes(division)) {
      throw new HubError(
        'import_invalid',
        `Division ${upload.division ?? '(none linked)'} is not one of the flow's linked divisions (${divisions.join(', ')}).`,
      );
    }
    const flat = upload.csv !== undefined ? csvObjects(upload.csv) : (upload.rows ?? []);
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
      await store.create({ id, flowId: flow.id, division, entity: entity.name }, rows);
      return (await store.summary(flow.id, id)) as ImportSummary;
    });
    const run = await this.#requestRun(flow, [`${division}/${entity.name}`]);
    return { summary, run };
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
