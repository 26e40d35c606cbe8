import {
  type EndpointDef,
  endpointsByPath,
  type Method,
  type TableName,
  tableEndpointPath,
  tableEntities,
  tableTopic,
} from '../catalogue/endpoints.ts';
import type { EdmType } from '../catalogue/types.ts';
import type {
  ApiRequest,
  ApiResponse,
  ChangeEvent,
  DataPlane,
  DataPlaneOptions,
  DataPlaneState,
  DivisionInfo,
  DivisionSpec,
  MutationRequest,
  MutationResult,
  WebhookSubscriptionView,
} from '../contract.ts';
import { DivisionSpecError } from '../data/division-spec-error.ts';
import { type DeletedRow, DivisionStore } from '../data/division-store.ts';
import { firstNames, surnames } from '../data/dutch-vocabulary.ts';
import { defaultVolumes, GenerationContext, tableSalt, type Volumes } from '../data/generation-context.ts';
import { applyMutations } from '../data/mutations.ts';
import { hash, Rand } from '../data/random.ts';
import { type Actor, RecordWriter } from '../data/record-writer.ts';
import type { Row, Table, TableChanges } from '../data/table.ts';
import { ApiError } from '../odata/api-error.ts';
import { startOfDay, toWallClock } from '../odata/dutch-time.ts';
import { parseFilter } from '../odata/filter-parser.ts';
import { parseQueryOptions, type QueryOptions } from '../odata/query-options.ts';
import { type DataPlaneBehaviour, defaultBehaviour } from './behaviour.ts';
import { type CollectionRead, countCollection, readCollection } from './collection-read.ts';
import { parseEntityBody, parseJsonBody } from './request-body.ts';
import { parseResourcePath } from './resource-path.ts';
import { emptyResponse, errorResponse, jsonResponse } from './responses.ts';
import { arraySource, type RowSource, tableSourceFor } from './row-source.ts';
import { EntitySerializer, type ExpandedNav, planSelection, type Selection } from './serializer.ts';
import { divisionRow, meRow } from './system-rows.ts';
import { WebhookSubscriptions } from './webhook-subscriptions.ts';

export interface DataPlaneFactoryOptions extends DataPlaneOptions {
  /** Behaviour knobs where Exact's behaviour is uncertain (see `behaviour.ts`). */
  behaviour?: Partial<DataPlaneBehaviour>;
  /**
   * Base URL (`http://host:port`) for `ChangeEvent.endpoint` of changes made outside a request
   * (`mutate`). Default: the base URL of the most recent API request.
   */
  publicBaseUrl?: () => string | undefined;
}

const MAX_TRANSACTION_LINES = 20_000_000;
const MAX_OTHER_VOLUME = 1_000_000;

function resolveVolumes(spec: DivisionSpec): Volumes {
  const volumes: Volumes = { ...defaultVolumes };
  for (const [name, value] of Object.entries(spec.volumes ?? {})) {
    if (!(name in volumes)) {
      throw new DivisionSpecError(
        `Unknown volume '${name}': use one of ${Object.keys(defaultVolumes).join(', ')}.`,
      );
    }
    if (value === undefined) continue;
    const max = name === 'transactionLines' ? MAX_TRANSACTION_LINES : MAX_OTHER_VOLUME;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new DivisionSpecError(
        `Volume '${name}' must be an integer between 0 and ${max}, got ${String(value)}.`,
      );
    }
    volumes[name as keyof Volumes] = value;
  }
  return volumes;
}

const CURRENCY: Record<string, string> = { GB: 'GBP', US: 'USD', CH: 'CHF' };

function methodNotAllowed(method: string, endpoint: EndpointDef): ApiError {
  if (endpoint.source.type === 'webhookSubscriptions' && method === 'PUT') {
    return new ApiError(
      405,
      'method_not_allowed',
      'Webhook subscriptions cannot be updated: delete the subscription and create a new one.',
    );
  }
  return new ApiError(
    405,
    'method_not_allowed',
    `The HTTP method '${method}' is not allowed on ${endpoint.path}; allowed: ${endpoint.methods.join(', ')}.`,
  );
}

/** Parses the key between the parentheses of a by-key URL. */
function parseKey(literal: string, type: EdmType): unknown {
  try {
    const expr = parseFilter(literal);
    if (expr.kind === 'literal') {
      if (type === 'Edm.Guid' && expr.type === 'guid') return expr.value;
      if (type !== 'Edm.Guid' && (expr.type === 'int32' || expr.type === 'int64')) return expr.value;
    }
  } catch {
    // fall through to the uniform error below
  }
  throw new ApiError(
    400,
    'query_syntax',
    `Bad Request - Error in query syntax. The key '${literal}' is not a valid ${type === 'Edm.Guid' ? "guid'…'" : 'number'}.`,
  );
}

/** The tables of a division built so far (a table can be built on its first use). */
function materializedTables(store: DivisionStore): [string, Table][] {
  return Object.keys(store.tables).flatMap((name): [string, Table][] => {
    const property = Object.getOwnPropertyDescriptor(store.tables, name);
    return property && 'value' in property ? [[name, property.value as Table]] : [];
  });
}

/** Builds the data plane: catalogue, seeded divisions, OData reads and writes. */
export function createDataPlane(options: DataPlaneFactoryOptions): DataPlane {
  const behaviour: DataPlaneBehaviour = { ...defaultBehaviour, ...options.behaviour };
  const { clock, seed } = options;
  const divisions = new Map<number, DivisionStore>();
  const listeners: ((event: ChangeEvent) => void)[] = [];
  const webhooks = new WebhookSubscriptions(seed, clock, options.validateWebhookCallback);
  let lastBaseUrl: string | undefined;
  let hidSequence = 0;

  const wallNow = () => toWallClock(clock.now());
  const baseUrl = () => options.publicBaseUrl?.() ?? lastBaseUrl ?? 'http://127.0.0.1';

  const writerFor = (store: DivisionStore): RecordWriter =>
    new RecordWriter(store, wallNow, (table, action, key) => {
      const path = tableEndpointPath[table];
      const event: ChangeEvent = {
        division: store.info.code,
        entity: path,
        topic: tableTopic[table],
        action,
        key,
        endpoint: `${baseUrl()}/api/v1/${store.info.code}/${path}(guid'${key}')`,
        at: clock.now(),
      };
      for (const listener of listeners) listener(event);
    });

  function divisionStore(code: number | null): DivisionStore {
    const store = code === null ? undefined : divisions.get(code);
    if (!store)
      throw new ApiError(404, 'not_found', `Division ${String(code)} does not exist in this simulator.`);
    return store;
  }

  function createDivision(spec: DivisionSpec, createdAt = wallNow()): DivisionInfo {
    const volumes = resolveVolumes(spec);
    let code = spec.code;
    if (code === undefined) {
      let attempt = divisions.size;
      do code = 100_000 + (hash(seed, tableSalt.Division, attempt++) % 900_000);
      while (divisions.has(code));
    } else if (!Number.isInteger(code) || code <= 0 || code > 2_147_483_647) {
      throw new DivisionSpecError(`Division code must be a positive 32-bit integer, got ${String(code)}.`);
    } else if (divisions.has(code)) {
      throw new DivisionSpecError(`Division ${code} already exists.`);
    }
    const country = (spec.country ?? 'NL').toUpperCase();
    if (!/^[A-Z]{2}$/.test(country))
      throw new DivisionSpecError(`Country must be an ISO 3166 code like NL, got '${country}'.`);
    const info: DivisionInfo = {
      code,
      description: spec.description,
      country,
      currency: CURRENCY[country] ?? 'EUR',
      hid: ++hidSequence,
      status: 1,
      blockingStatus: 0,
    };
    const r = new Rand(hash(seed, code, tableSalt.User, 1));
    const owner = `${r.pick(firstNames).name} ${r.pick(surnames)}`;
    const ctx = new GenerationContext(seed, code, volumes, startOfDay(createdAt), owner);
    divisions.set(code, new DivisionStore(info, ctx, createdAt));
    return { ...info };
  }

  function exportState(): DataPlaneState {
    return {
      hidSequence,
      webhookSubscriptions: webhooks.exportState(),
      divisions: [...divisions.values()].map((store) => ({
        info: { ...store.info },
        volumes: { ...store.ctx.volumes },
        createdAt: store.createdAt,
        counter: store.counter,
        writeSequence: store.writeSequence,
        deletedLog: store.deletedLog,
        tables: Object.fromEntries(
          materializedTables(store).map(([name, table]) => [name, table.exportChanges()]),
        ),
      })),
    };
  }

  function importState(state: DataPlaneState): void {
    divisions.clear();
    webhooks.clear();
    for (const saved of state.divisions) {
      const { info } = saved;
      createDivision(
        { code: info.code, description: info.description, country: info.country, volumes: saved.volumes },
        saved.createdAt,
      );
      const store = divisions.get(info.code) as DivisionStore;
      Object.assign(store.info, info);
      store.writeSequence = saved.writeSequence;
      store.deletedLog.push(...(saved.deletedLog as DeletedRow[]));
      // Tables built on first use take the next Timestamps then: build them again in the same
      // order from the same counter, so their generated rows get the Timestamps they had.
      const tables = Object.entries(saved.tables as Record<string, TableChanges>).sort(
        ([, a], [, b]) => a.firstTimestamp - b.firstTimestamp,
      );
      for (const [name, changes] of tables) {
        if (!(name in store.tables)) {
          throw new DivisionSpecError(
            `Saved division ${info.code} has a table ${name} this simulator does not know.`,
          );
        }
        store.counter = changes.firstTimestamp - 1;
        const table = store.tables[name as TableName];
        if (table.firstTimestamp !== changes.firstTimestamp) {
          throw new DivisionSpecError(
            `Saved division ${info.code}: table ${name} was generated differently (Timestamps from ${changes.firstTimestamp}, now ${table.firstTimestamp}).`,
          );
        }
        table.importChanges(changes);
      }
      store.counter = saved.counter;
    }
    hidSequence = state.hidSequence;
    webhooks.importState(state.webhookSubscriptions);
  }

  function serializerFactory(
    endpoint: EndpointDef,
    store: DivisionStore | null,
    resourceUrl: string,
    divisionUrl: string,
  ): (selection: Selection) => EntitySerializer {
    return (selection) => {
      const expanded = new Map<string, ExpandedNav>();
      for (const [navName, childSelect] of selection.childSelect) {
        const nav = endpoint.entity.fields.find((f) => f.name === navName)?.nav;
        if (!nav || !store) continue;
        const childTableName = nav.entity as TableName;
        const childTable = store.tables[childTableName];
        if (!childTable) continue;
        const childEntity = tableEntities[childTableName];
        const childSelection = planSelection(childEntity, childSelect, []);
        const keyField = endpoint.entity.key;
        expanded.set(navName, {
          serializer: new EntitySerializer(
            childEntity,
            `${divisionUrl}/${tableEndpointPath[childTableName]}`,
            childSelection.fields,
            store,
            new Map(),
          ),
          children: (parent: Row) =>
            childTable.childrenOf(nav.foreignKey, parent[keyField] as string).map((i) => childTable.row(i)),
        });
      }
      return new EntitySerializer(endpoint.entity, resourceUrl, selection.fields, store, expanded);
    };
  }

  function rowsFor(endpoint: EndpointDef, request: ApiRequest, store: DivisionStore | null): RowSource {
    const source = endpoint.source;
    switch (source.type) {
      case 'me': {
        const current = divisions.get(request.caller.divisions[0] ?? -1);
        return arraySource([meRow(request.caller, current, clock.now())], 'UserID', 'Edm.Guid');
      }
      case 'divisions': {
        const rows = request.caller.divisions
          .map((code, i) => {
            const d = divisions.get(code);
            return d ? divisionRow(d, i === 0, i === 0) : null;
          })
          .filter((row): row is Row => row !== null);
        return arraySource(rows, 'Code', 'Edm.Int32');
      }
      case 'allDivisions': {
        const first = request.caller.divisions[0];
        const rows = [...divisions.values()].map((d, i) => divisionRow(d, d.info.code === first, i === 0));
        return arraySource(rows, 'Code', 'Edm.Int32');
      }
      case 'webhookSubscriptions':
        return arraySource(
          webhooks.rowsFor(divisionStore(request.division).info.code, request.caller.clientId),
          'ID',
          'Edm.Guid',
        );
      default: {
        const rows = tableSourceFor(endpoint, store as DivisionStore);
        if (!rows) throw new Error(`No row source for ${endpoint.path}`);
        return rows;
      }
    }
  }

  async function handle(request: ApiRequest): Promise<ApiResponse> {
    try {
      lastBaseUrl = request.baseUrl;
      return await route(request);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      throw error;
    }
  }

  async function route(request: ApiRequest): Promise<ApiResponse> {
    const target = parseResourcePath(request.resource);
    const endpoint = endpointsByPath.get(target.path.toLowerCase());
    if (!endpoint) {
      throw new ApiError(
        404,
        'not_found',
        `Resource not found for the segment '${target.path.split('/').pop()}'.`,
      );
    }
    const isMe = endpoint.source.type === 'me';
    if (!isMe && request.division === null) {
      throw new ApiError(
        404,
        'not_found',
        `${endpoint.path} needs a division in the URL: /api/v1/{division}/${endpoint.path}.`,
      );
    }
    const method = request.method.toUpperCase();
    if (!endpoint.methods.includes(method as Method)) throw methodNotAllowed(method, endpoint);
    const keyed = target.key !== null;
    if ((method === 'POST' && keyed) || ((method === 'PUT' || method === 'DELETE') && !keyed)) {
      throw new ApiError(
        405,
        'method_not_allowed',
        method === 'POST'
          ? `POST goes to the collection ${endpoint.path}, not to a single record.`
          : `${method} needs the record's key: ${endpoint.path}(guid'…').`,
      );
    }
    const usesTables = endpoint.source.type !== 'me' && endpoint.source.type !== 'allDivisions';
    const store = usesTables && endpoint.source.type !== 'divisions' ? divisionStore(request.division) : null;
    const options = parseQueryOptions(request.rawQuery);
    const divisionUrl = isMe
      ? `${request.baseUrl}/api/v1/current`
      : `${request.baseUrl}/api/v1/${request.division}`;
    const resourceUrl = isMe ? `${divisionUrl}/Me` : `${divisionUrl}/${endpoint.path}`;
    const actor: Actor = { userId: request.caller.userId, fullName: request.caller.fullName };

    if (endpoint.source.type === 'webhookSubscriptions' && method !== 'GET') {
      const code = divisionStore(request.division).info.code;
      if (method === 'POST') {
        const body = parseEntityBody(endpoint.entity, parseJsonBody(request.body)).row;
        const row = await webhooks.create(code, request.caller, body);
        const serializer = new EntitySerializer(
          endpoint.entity,
          resourceUrl,
          endpoint.entity.fields,
          null,
          new Map(),
        );
        return jsonResponse(behaviour.postStatus, JSON.stringify({ d: serializer.object(row) }));
      }
      webhooks.delete(code, request.caller.clientId, parseKey(target.key as string, 'Edm.Guid') as string);
      return emptyResponse(204);
    }

    if (method === 'GET') return read(endpoint, request, store, options, target, resourceUrl, divisionUrl);
    const source = endpoint.source;
    if (source.type !== 'table' || !store) throw methodNotAllowed(method, endpoint);
    const table = store.tables[source.table];
    const writer = writerFor(store);
    if (method === 'POST') {
      const parsed = parseEntityBody(endpoint.entity, parseJsonBody(request.body), 'POST');
      // Deep insert: the lines posted inside the header (only tables with a line collection).
      const navField = endpoint.entity.fields.find((f) => f.nav && parsed.navs.has(f.name));
      const nav = navField?.nav;
      let lines: Row[] | null = null;
      if (navField && nav && nav.entity in tableEntities) {
        const lineEntity = tableEntities[nav.entity as TableName];
        lines = (parsed.navs.get(navField.name) ?? []).map((item) => {
          const line = parseEntityBody(lineEntity, item, 'POST').row;
          delete line[nav.foreignKey];
          return line;
        });
      }
      const row = writer.create(source.table, parsed.row, actor, lines);
      const full =
        (request.headers.prefer ?? '').toLowerCase().includes('return=representation') ||
        source.table === 'SalesInvoice' ||
        source.table === 'SalesOrder';
      const shown = full ? row : { [endpoint.entity.key]: row[endpoint.entity.key] };
      const serializer = serializerFactory(
        endpoint,
        full ? store : null,
        resourceUrl,
        divisionUrl,
      )({
        fields: endpoint.entity.fields,
        childSelect: new Map(),
      });
      return jsonResponse(behaviour.postStatus, JSON.stringify({ d: serializer.object(shown) }), {
        location: serializer.uriOf(row),
      });
    }
    const key = parseKey(target.key as string, 'Edm.Guid');
    const index = table.indexOf(key);
    if (index < 0) throw notFoundKey(endpoint, key);
    if (method === 'PUT') {
      const parsed = parseEntityBody(endpoint.entity, parseJsonBody(request.body), 'PUT');
      writer.update(source.table, index, parsed.row, actor);
    } else {
      writer.delete(source.table, index, actor);
    }
    return emptyResponse(204);
  }

  function notFoundKey(endpoint: EndpointDef, key: unknown): ApiError {
    return new ApiError(
      404,
      'not_found',
      `Resource not found for the segment '${endpoint.path.split('/').pop()}(${String(key)})'.`,
    );
  }

  function read(
    endpoint: EndpointDef,
    request: ApiRequest,
    store: DivisionStore | null,
    options: QueryOptions,
    target: ReturnType<typeof parseResourcePath>,
    resourceUrl: string,
    divisionUrl: string,
  ): ApiResponse {
    const source = rowsFor(endpoint, request, store);
    const serializer = serializerFactory(endpoint, store, resourceUrl, divisionUrl);
    if (target.key === null) {
      const collection: CollectionRead = {
        endpoint,
        source,
        store,
        resourceUrl,
        options,
        behaviour,
        serializer,
      };
      return target.count ? countCollection(collection) : readCollection(collection);
    }
    if (endpoint.kind !== 'standard') {
      throw new ApiError(
        400,
        'invalid_query_option',
        `${endpoint.path} cannot be read by key: filter on Timestamp instead.`,
      );
    }
    const key = parseKey(target.key, source.keyType);
    let found: Row | undefined;
    if (endpoint.source.type === 'table' && store) {
      const table = store.tables[endpoint.source.table];
      const index = table.indexOf(key);
      found = index >= 0 ? table.row(index) : undefined;
    } else {
      for (const row of source.rows(undefined, Number.NEGATIVE_INFINITY)) {
        if (row[source.keyField] === key) found = row;
      }
    }
    if (!found) throw notFoundKey(endpoint, key);
    if (target.nav) return readNav(endpoint, store, found, target.nav, options, divisionUrl);
    const selection = planSelection(endpoint.entity, options.select, options.expand);
    return jsonResponse(200, JSON.stringify({ d: serializer(selection).object(found) }));
  }

  function readNav(
    endpoint: EndpointDef,
    store: DivisionStore | null,
    parent: Row,
    navName: string,
    options: QueryOptions,
    divisionUrl: string,
  ): ApiResponse {
    const nav = endpoint.entity.fields.find((f) => f.name === navName)?.nav;
    const childName = nav?.entity as TableName | undefined;
    const childPath = childName ? tableEndpointPath[childName] : undefined;
    const childEndpoint = childPath ? endpointsByPath.get(childPath.toLowerCase()) : undefined;
    if (!nav || !store || !childName || !childEndpoint) {
      throw new ApiError(404, 'not_found', `Resource not found for the segment '${navName}'.`);
    }
    const childTable = store.tables[childName];
    const rows = childTable
      .childrenOf(nav.foreignKey, parent[endpoint.entity.key] as string)
      .map((i) => childTable.row(i));
    const resourceUrl = `${divisionUrl}/${childEndpoint.path}`;
    const collection: CollectionRead = {
      endpoint: childEndpoint,
      source: arraySource(rows, childEndpoint.entity.key, 'Edm.Guid'),
      store,
      resourceUrl,
      options,
      // The parent's key already narrows a navigation read: no mandatory filter.
      behaviour: { ...behaviour, mandatoryFiltering: false },
      serializer: serializerFactory(childEndpoint, store, resourceUrl, divisionUrl),
    };
    return readCollection(collection);
  }

  function mutate(request: MutationRequest): MutationResult {
    const store = divisionStore(request.division);
    const endpoint = endpointsByPath.get(request.entity.toLowerCase());
    if (endpoint?.source.type !== 'table' || endpoint.kind !== 'standard') {
      throw new DivisionSpecError(
        `Cannot mutate '${request.entity}': use a standard entity path such as crm/Accounts or financialtransaction/TransactionLines.`,
      );
    }
    return applyMutations(store, endpoint.source.table, request, writerFor(store));
  }

  return {
    createDivision: (spec) => createDivision(spec),
    getDivision: (code) => {
      const info = divisions.get(code)?.info;
      return info ? { ...info } : undefined;
    },
    listDivisions: () => [...divisions.values()].map((store) => ({ ...store.info })),
    setDivisionBlocking: (code, blockingStatus) => {
      divisionStore(code).info.blockingStatus = blockingStatus;
    },
    handle,
    mutate,
    webhookSubscriptions: (division: number): WebhookSubscriptionView[] => webhooks.list(division),
    onChange: (listener) => {
      listeners.push(listener);
    },
    reset: () => {
      divisions.clear();
      webhooks.clear();
      hidSequence = 0;
    },
    exportState,
    importState,
  };
}
