/** The Edm types Exact uses on the entities in this catalogue. */
export type EdmType =
  | 'Binary'
  | 'Guid'
  | 'String'
  | 'Int16'
  | 'Int32'
  | 'Int64'
  | 'Byte'
  | 'Double'
  | 'Boolean'
  | 'DateTime';

/**
 * A scalar field written as `'<Edm type>'` plus optional flags separated by spaces:
 * `ro` read-only (never sent on POST/PUT), `pad` fixed-width text trimmed in typed output,
 * `code18` an 18-character right-aligned account code (filter values get padded).
 */
export type ScalarSpec = EdmType | `${EdmType} ${string}`;

/**
 * A navigation collection (e.g. invoice lines): deferred unless `$expand`ed; deep insert on
 * POST unless `readOnly` (e.g. an account's bank accounts).
 */
export interface NavSpec {
  readonly nav: EntityDef;
  readonly readOnly?: boolean;
}

export type FieldSpec = ScalarSpec | NavSpec;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EntityDef {
  /** Short name, e.g. `Accounts`. */
  readonly name: string;
  /** Standard endpoint path after `/api/v1/{division}/`, e.g. `crm/Accounts`. */
  readonly path: string;
  /** `sync/…` endpoint (1,000 rows a page, `Timestamp` cursor), when Exact has one. */
  readonly syncPath?: string;
  /** `bulk/…` endpoint (1,000 rows a page), when Exact has one. */
  readonly bulkPath?: string;
  /** Key field. */
  readonly key: string;
  /** Whether the URL carries a division (`current/Me` does not). */
  readonly divisionScoped: boolean;
  /** Beta endpoint: the URL is `/api/v1/beta/{division}/…`, not for production use. */
  readonly beta?: boolean;
  readonly methods: readonly HttpMethod[];
  /** `EntityType` code in `sync/Deleted` (§4.1). */
  readonly deletedEntityTypes?: readonly number[];
  /** Webhook topic (§6.2). */
  readonly webhookTopic?: string;
  /** Exact's scope name: the app permission the endpoint needs (`-` for none). */
  readonly scope?: string;
  /** Exact's `__metadata.type`, for documentation and checks. */
  readonly typeName?: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

type EdmOf<S> = S extends `${infer T extends EdmType} ${string}` ? T : S;

type ScalarValue<T> = T extends 'Guid' | 'String' | 'Binary'
  ? string
  : T extends 'Int16' | 'Int32' | 'Byte' | 'Double'
    ? number
    : T extends 'Int64'
      ? bigint
      : T extends 'Boolean'
        ? boolean
        : T extends 'DateTime'
          ? Date
          : never;

/** Symbol under which every typed row keeps the record exactly as Exact sent it. */
export const RAW: unique symbol = Symbol('exact.raw');

/** A record as Exact sent it (padded codes, `/Date()/` strings, `__metadata`). */
export type RawRecord = Record<string, unknown>;

type FieldValue<F> = F extends NavSpec
  ? Row<F['nav']>[] | undefined
  : F extends ScalarSpec
    ? ScalarValue<EdmOf<F>> | null
    : never;

/** Typed record of an entity: Dates, bigints, trimmed codes; `row[RAW]` holds the original. */
export type Row<E extends EntityDef, K extends keyof E['fields'] = keyof E['fields']> = {
  -readonly [P in K]: FieldValue<E['fields'][P]>;
} & { readonly [RAW]: RawRecord };

/** Names of an entity's scalar fields. */
export type ScalarField<E extends EntityDef> = {
  [P in keyof E['fields']]: E['fields'][P] extends ScalarSpec ? P : never;
}[keyof E['fields']] &
  string;

/** Names of fields that may be sent on POST/PUT. */
type WritableField<E extends EntityDef> = {
  [P in keyof E['fields']]: E['fields'][P] extends `${string} ro${string}` | { readonly readOnly: true }
    ? never
    : P;
}[keyof E['fields']] &
  string;

type InputValue<F> = F extends NavSpec
  ? Input<F['nav']>[]
  : F extends ScalarSpec
    ? EdmOf<F> extends 'DateTime'
      ? Date | string | null
      : EdmOf<F> extends 'Int64'
        ? bigint | string | number | null
        : ScalarValue<EdmOf<F>> | null
    : never;

/** Body of a create or (partial) update: writable fields only, all optional. */
export type Input<E extends EntityDef> = { [P in WritableField<E>]?: InputValue<E['fields'][P]> };

/** Value type accepted in a `$filter` comparison on a field. */
export type FilterValue<E extends EntityDef, K extends ScalarField<E>> = E['fields'][K] extends ScalarSpec
  ? EdmOf<E['fields'][K]> extends 'Int64'
    ? bigint | string | number
    : ScalarValue<EdmOf<E['fields'][K]>>
  : never;

export interface ParsedField {
  readonly name: string;
  readonly type: EdmType | 'Nav';
  readonly readOnly: boolean;
  readonly padded: boolean;
  readonly accountCode: boolean;
  readonly nav: EntityDef | undefined;
}

const parsed = new WeakMap<EntityDef, Map<string, ParsedField>>();

/** The catalogue entry's fields parsed once into objects. */
export function fieldsOf(entity: EntityDef): Map<string, ParsedField> {
  let fields = parsed.get(entity);
  if (fields !== undefined) return fields;
  fields = new Map();
  for (const [name, spec] of Object.entries(entity.fields)) {
    if (typeof spec === 'object') {
      fields.set(name, {
        name,
        type: 'Nav',
        readOnly: spec.readOnly === true,
        padded: false,
        accountCode: false,
        nav: spec.nav,
      });
      continue;
    }
    const [type, ...flags] = spec.split(' ') as [EdmType, ...string[]];
    fields.set(name, {
      name,
      type,
      readOnly: flags.includes('ro'),
      padded: flags.includes('pad') || flags.includes('code18'),
      accountCode: flags.includes('code18'),
      nav: undefined,
    });
  }
  parsed.set(entity, fields);
  return fields;
}

/** Identity function that keeps the literal types of a catalogue entry (use with `as const`). */
export function defineEntity<const E extends EntityDef>(entity: E): E {
  return entity;
}
