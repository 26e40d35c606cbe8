// Builds the catalogue model: the metadata's endpoints with the hand-written layer applied.
// Both emitters (SDK modules, simulator data) read this one model.

import {
  ACCOUNT_CODE,
  ENDPOINT_LAYER,
  EXTRA_ENDPOINTS,
  type LayerEdm,
  type LayerField,
  LINE_LEVEL_SYNC,
  PADDED_BY_ENDPOINT,
  PADDED_BY_NAME,
  type Padding,
} from './catalogue-layer.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ModelEdm = LayerEdm | 'Binary';

export interface MetadataProperty {
  name: string;
  type: string;
  key?: boolean;
  methods: string;
  hidden?: boolean;
  mandatory?: boolean;
}

export interface MetadataEndpoint {
  name: string;
  uri: string;
  scope: string;
  methods: HttpMethod[];
  properties: MetadataProperty[];
}

export interface Metadata {
  source: string;
  endpoints: MetadataEndpoint[];
}

export interface ModelField {
  name: string;
  /** Edm type, or `Nav` for a navigation collection. */
  type: ModelEdm | 'Nav';
  key: boolean;
  /** `G`/`P`/`U` letters the property takes part in. */
  methods: string;
  pad?: Padding;
  accountCode: boolean;
  /** Target endpoint path of a navigation collection. */
  nav?: string;
}

export type EndpointKind = 'standard' | 'sync' | 'bulk';

export interface ModelEndpoint {
  /** Path after `/api/v1/{division}/` (or `/api/v1/beta/{division}/`, or `/api/v1/`). */
  path: string;
  /** Name as the metadata gives it (`Accounts`, `CRM/Accounts`). */
  metadataName: string;
  /** `EntityDef.name`. */
  name: string;
  exportName: string;
  /** Module file name without extension. */
  module: string;
  scope: string;
  methods: HttpMethod[];
  key: string;
  /** Every key property (several on a few report endpoints). */
  keys: string[];
  divisionScoped: boolean;
  beta: boolean;
  kind: EndpointKind;
  /** Standard endpoint whose records a sync or bulk twin serves. */
  twinOf?: string;
  lineLevel?: { header: string; lines: string; foreignKey: string };
  syncPath?: string;
  bulkPath?: string;
  deletedEntityTypes?: readonly number[];
  webhookTopic?: string;
  typeName: string;
  /** Name of Exact's reference page (`HlpRestAPIResourcesDetails.aspx?name=…`). */
  docPage: string;
  /** False for twins the reference does not list (served, reached through `syncPath`/`bulkPath`). */
  listed: boolean;
  fields: ModelField[];
}

export interface CatalogueModel {
  source: string;
  endpoints: ModelEndpoint[];
}

const EDM = new Set<string>([
  'Guid',
  'String',
  'Int16',
  'Int32',
  'Int64',
  'Byte',
  'Double',
  'Boolean',
  'DateTime',
  'Binary',
]);

const RESERVED = new Set(['delete', 'default', 'function', 'import', 'export', 'new', 'return', 'switch']);

/** Words of an identifier or path: `sync/CRM/GLAccounts` → sync, CRM, GL, Accounts. */
export function words(text: string): string[] {
  return text.split(/[/_]/).flatMap((part) => part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]/g) ?? []);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function camel(parts: string[]): string {
  const [first = '', ...rest] = parts;
  return first.toLowerCase() + rest.map(capitalize).join('');
}

/** Service segments whose reference-page spelling is not a plain capital. */
const DOC_SERVICE: Record<string, string> = {
  crm: 'CRM',
  hrm: 'HRM',
  vat: 'VAT',
  salesinvoice: 'SalesInvoice',
  salesorder: 'SalesOrder',
  salesentry: 'SalesEntry',
  purchaseentry: 'PurchaseEntry',
  purchaseorder: 'PurchaseOrder',
  financialtransaction: 'FinancialTransaction',
  generaljournalentry: 'GeneralJournalEntry',
  openingbalance: 'OpeningBalance',
  cashflow: 'Cashflow',
  continuousmonitoring: 'ContinuousMonitoring',
  system: 'SystemSystem',
  current: 'SystemSystem',
  webhooks: 'Webhooks',
};

function docPageOf(path: string): string {
  return path
    .split('/')
    .map((segment, i, all) =>
      i === all.length - 1 ? segment : (DOC_SERVICE[segment.toLowerCase()] ?? capitalize(segment)),
    )
    .join('');
}

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('sses')) return name.slice(0, -2);
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}

function defaultTypeName(path: string): string {
  const segments = path.split('/');
  const last = segments.at(-1) ?? path;
  const service = segments.slice(0, -1).map((s) => DOC_SERVICE[s.toLowerCase()] ?? capitalize(s));
  return `Exact.Web.Api.Models.${[...service, singular(last)].join('.')}`.replace('SystemSystem', 'System');
}

function pathOf(uri: string): { path: string; beta: boolean; divisionScoped: boolean } {
  const rest = uri.replace(/^\/api\/v1\//, '');
  if (rest.startsWith('beta/{division}/')) {
    return { path: rest.slice('beta/{division}/'.length), beta: true, divisionScoped: true };
  }
  if (rest.startsWith('{division}/'))
    return { path: rest.slice('{division}/'.length), beta: false, divisionScoped: true };
  return { path: rest, beta: false, divisionScoped: false };
}

function kindOf(path: string): EndpointKind {
  if (path.startsWith('sync/')) return 'sync';
  if (path.startsWith('bulk/')) return 'bulk';
  return 'standard';
}

function paddingOf(path: string, name: string, type: string): { pad?: Padding; accountCode: boolean } {
  if (type !== 'String') return { accountCode: false };
  const pad = PADDED_BY_ENDPOINT[path]?.[name] ?? PADDED_BY_NAME[name];
  if (pad === undefined) return { accountCode: false };
  return { pad, accountCode: pad === ACCOUNT_CODE };
}

function scalarField(
  path: string,
  property: { name: string; type: string; key?: boolean; methods: string },
): ModelField {
  const type = property.type.replace(/^Edm\./, '') as ModelEdm;
  return {
    name: property.name,
    type,
    key: property.key === true,
    methods: property.methods,
    ...paddingOf(path, property.name, type),
  };
}

function layerField(path: string, field: LayerField): ModelField {
  return scalarField(path, { ...field, type: field.type });
}

/**
 * Builds the model. Navigation properties resolve to the endpoint of the same service whose
 * name is the property's type; those that resolve nowhere (complex types) and those that
 * would make modules import each other in a circle are left out, on both sides alike.
 */
export function buildModel(metadata: Metadata): CatalogueModel {
  const endpoints: ModelEndpoint[] = [];
  const byPath = new Map<string, ModelEndpoint>();
  const pendingNavs = new Map<ModelEndpoint, MetadataProperty[]>();

  const add = (endpoint: ModelEndpoint) => {
    if (byPath.has(endpoint.path)) throw new Error(`Duplicate endpoint ${endpoint.path}`);
    byPath.set(endpoint.path, endpoint);
    endpoints.push(endpoint);
  };

  for (const source of metadata.endpoints) {
    const { path, beta, divisionScoped } = pathOf(source.uri);
    const layer = ENDPOINT_LAYER[path] ?? {};
    const kind = kindOf(path);
    const keys = source.properties.filter((p) => p.key).map((p) => p.name);
    const fields: ModelField[] = [];
    const navs: MetadataProperty[] = [];
    for (const property of source.properties) {
      if (EDM.has(property.type.replace(/^Edm\./, '')) && property.type.startsWith('Edm.')) {
        fields.push(scalarField(path, property));
      } else {
        navs.push(property);
        fields.push({
          name: property.name,
          type: 'Nav',
          key: false,
          methods: property.methods,
          accountCode: false,
        });
      }
    }
    for (const field of layer.newerFields ?? []) fields.push(layerField(path, field));
    const pathWords = words(path);
    const defaultExport =
      kind === 'standard' ? camel(words(source.name)) : camel([kind, ...pathWords.slice(1)]);
    let exportName = layer.exportName ?? defaultExport;
    if (RESERVED.has(exportName)) exportName = `${exportName}Entity`;
    const endpoint: ModelEndpoint = {
      path,
      metadataName: source.name,
      name:
        layer.name ??
        (kind === 'standard' ? source.name : `${capitalize(kind)}${source.name.replace(/\//g, '')}`),
      exportName,
      module: [beta ? 'beta' : '', ...pathWords]
        .filter(Boolean)
        .map((w) => w.toLowerCase())
        .join('-'),
      scope: source.scope,
      methods: source.methods,
      key: keys[0] ?? fields[0]?.name ?? 'ID',
      keys,
      divisionScoped,
      beta,
      kind,
      syncPath: layer.syncPath ?? (kind === 'sync' ? path : undefined),
      bulkPath: layer.bulkPath ?? (kind === 'bulk' ? path : undefined),
      deletedEntityTypes: layer.deletedEntityTypes,
      webhookTopic: layer.webhookTopic,
      typeName: layer.typeName ?? defaultTypeName(path),
      docPage: docPageOf(path),
      listed: true,
      fields,
    };
    const lineLevel = LINE_LEVEL_SYNC[path];
    if (lineLevel) endpoint.lineLevel = lineLevel;
    add(endpoint);
    pendingNavs.set(endpoint, navs);
  }

  for (const extra of EXTRA_ENDPOINTS) {
    const layer = ENDPOINT_LAYER[extra.path] ?? {};
    add({
      path: extra.path,
      metadataName: extra.name,
      name: extra.name,
      exportName: layer.exportName ?? camel(words(extra.name)),
      module: words(extra.path)
        .map((w) => w.toLowerCase())
        .join('-'),
      scope: extra.scope,
      methods: [...extra.methods],
      key: extra.fields.find((f) => f.key)?.name ?? 'ID',
      keys: extra.fields.filter((f) => f.key).map((f) => f.name),
      divisionScoped: true,
      beta: false,
      kind: 'standard',
      typeName: layer.typeName ?? defaultTypeName(extra.path),
      docPage: docPageOf(extra.path),
      listed: true,
      fields: extra.fields.map((field) => layerField(extra.path, field)),
    });
  }

  resolveNavigations(byPath, pendingNavs);
  linkTwins(endpoints, byPath, add);
  checkLayer(byPath);
  checkExportNames(endpoints);
  return { source: metadata.source, endpoints };
}

function resolveNavigations(
  byPath: Map<string, ModelEndpoint>,
  pending: Map<ModelEndpoint, MetadataProperty[]>,
) {
  const standard = [...byPath.values()].filter((e) => e.kind === 'standard' && !e.path.startsWith('read/'));
  const edges = new Map<string, Set<string>>();
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    for (const next of edges.get(from) ?? []) if (reaches(next, to, seen)) return true;
    return false;
  };
  for (const [endpoint, navs] of pending) {
    const service = endpoint.path.split('/').slice(0, -1).join('/').toLowerCase();
    for (const property of navs) {
      const wanted = property.type.toLowerCase();
      const candidates = standard.filter((e) => e.path.split('/').at(-1)?.toLowerCase() === wanted);
      const target =
        candidates.find((e) => e.path.split('/').slice(0, -1).join('/').toLowerCase() === service) ??
        candidates[0];
      if (!target || target === endpoint || reaches(target.path, endpoint.path)) continue;
      let out = edges.get(endpoint.path);
      if (!out) {
        out = new Set();
        edges.set(endpoint.path, out);
      }
      out.add(target.path);
      const field = endpoint.fields.find((f) => f.name === property.name);
      if (field) field.nav = target.path;
    }
    endpoint.fields = endpoint.fields.filter((f) => f.type !== 'Nav' || f.nav !== undefined);
  }
}

const TIMESTAMP: ModelField = {
  name: 'Timestamp',
  type: 'Int64',
  key: true,
  methods: 'G',
  accountCode: false,
};

/**
 * Sync and bulk twins carry their standard endpoint's fields (facts §4: the sync entity has
 * the normal one's properties plus `Timestamp`; §5: bulk entities share their twin's list),
 * plus any the twin's own page adds. Twins the reference does not list are added unlisted.
 */
function linkTwins(
  endpoints: ModelEndpoint[],
  byPath: Map<string, ModelEndpoint>,
  add: (e: ModelEndpoint) => void,
) {
  for (const standard of [...endpoints]) {
    if (standard.kind !== 'standard') continue;
    for (const [twinPath, kind] of [
      [standard.syncPath, 'sync'],
      [standard.bulkPath, 'bulk'],
    ] as const) {
      if (twinPath === undefined) continue;
      const scalars = standard.fields.filter((f) => f.type !== 'Nav').map((f) => ({ ...f, key: false }));
      const base = kind === 'sync' ? [TIMESTAMP, ...scalars] : standard.fields.map((f) => ({ ...f }));
      const listed = byPath.get(twinPath);
      if (listed) {
        const names = new Set(base.map((f) => f.name));
        listed.fields = [...base, ...listed.fields.filter((f) => !names.has(f.name))];
        listed.twinOf = standard.path;
        listed.key = kind === 'sync' ? 'Timestamp' : standard.key;
        listed.keys = [listed.key];
        continue;
      }
      add({
        ...standard,
        path: twinPath,
        metadataName: twinPath,
        name: `${capitalize(kind)}${standard.name}`,
        exportName: camel([kind, ...words(twinPath).slice(1)]),
        module: words(twinPath)
          .map((w) => w.toLowerCase())
          .join('-'),
        methods: ['GET'],
        key: kind === 'sync' ? 'Timestamp' : standard.key,
        keys: [kind === 'sync' ? 'Timestamp' : standard.key],
        kind,
        twinOf: standard.path,
        syncPath: kind === 'sync' ? twinPath : undefined,
        bulkPath: kind === 'bulk' ? twinPath : undefined,
        deletedEntityTypes: undefined,
        webhookTopic: undefined,
        typeName: kind === 'sync' ? standard.typeName.replace('Models.', 'Models.Sync.') : standard.typeName,
        docPage: docPageOf(twinPath),
        listed: false,
        fields: base,
      });
    }
  }
}

function checkLayer(byPath: Map<string, ModelEndpoint>) {
  for (const path of Object.keys(ENDPOINT_LAYER)) {
    if (!byPath.has(path))
      throw new Error(`The catalogue layer names ${path}, which the metadata does not list`);
  }
}

function checkExportNames(endpoints: ModelEndpoint[]) {
  const seen = new Map<string, string>();
  for (const endpoint of endpoints) {
    if (!endpoint.listed) continue;
    const other = seen.get(endpoint.exportName);
    if (other) throw new Error(`Export name ${endpoint.exportName} used by ${other} and ${endpoint.path}`);
    seen.set(endpoint.exportName, endpoint.path);
    const module = seen.get(`module:${endpoint.module}`);
    if (module) throw new Error(`Module ${endpoint.module} used by ${module} and ${endpoint.path}`);
    seen.set(`module:${endpoint.module}`, endpoint.path);
  }
}
