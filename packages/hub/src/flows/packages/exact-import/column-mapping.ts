import type { ImportColumn, ImportEntity } from './import-entities.ts';

/**
 * A file's columns → the import's fields. A column mapped to null is left out; a column the
 * mapping does not name keeps its own name (so `lines` of a JSON document passes through).
 */
export type ColumnMapping = Record<string, string | null>;

/**
 * Headers people and other systems use for a field besides its own name: Exact's field names
 * (an export from Exact maps itself), common English ones and the Dutch ones of Exact's own
 * screens. Compared lower-case without spaces, dashes or dots.
 */
const ALIASES: Record<string, readonly string[]> = {
  code: ['accountcode', 'relatiecode', 'searchcode', 'itemcode', 'artikelcode', 'zoekcode'],
  name: ['companyname', 'accountname', 'naam', 'bedrijfsnaam', 'company'],
  email: ['emailaddress', 'mail', 'emailadres'],
  phone: ['telephone', 'phonenumber', 'tel', 'telefoon', 'telefoonnummer', 'businessphone'],
  website: ['url', 'web', 'homepage', 'internetadres'],
  vatNumber: ['vat', 'vatno', 'btw', 'btwnummer', 'btwnr'],
  addressLine1: ['address', 'street', 'adres', 'straat'],
  postcode: ['postalcode', 'zip', 'zipcode'],
  city: ['town', 'plaats', 'woonplaats', 'stad'],
  country: ['countrycode', 'land', 'landcode'],
  isSupplier: ['supplier', 'leverancier'],
  account: ['accountcode', 'company', 'bedrijf', 'relatie'],
  firstName: ['givenname', 'voornaam'],
  lastName: ['surname', 'familyname', 'achternaam'],
  mobile: ['mobilephone', 'cell', 'cellphone', 'mobiel', 'businessmobile'],
  jobTitle: ['title', 'function', 'functie', 'jobtitledescription'],
  description: ['omschrijving'],
  costPrice: ['cost', 'costpricestandard', 'kostprijs'],
  isSalesItem: ['salesitem', 'verkoopartikel'],
  yourRef: ['reference', 'ref', 'orderreference', 'uwreferentie', 'referentie'],
  customer: ['customercode', 'orderedby', 'klant', 'klantcode'],
  orderDate: ['date', 'datum', 'orderdatum'],
  item: ['itemcode', 'article', 'artikel', 'artikelcode'],
  quantity: ['qty', 'aantal'],
  unitPrice: ['price', 'netprice', 'prijs', 'stukprijs'],
  lineDescription: ['lineomschrijving', 'regelomschrijving'],
};

const normalised = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The mapping the preview proposes: each column to the field whose name or alias it matches,
 * a field to its first matching column only; the rest to null (left out).
 */
export function suggestMapping(columns: readonly string[], fields: readonly ImportColumn[]): ColumnMapping {
  const taken = new Set<string>();
  const mapping: ColumnMapping = {};
  const matches = (header: string, field: string) =>
    normalised(field) === header || (ALIASES[field] ?? []).includes(header);
  for (const column of columns) {
    const header = normalised(column);
    // The field's own name first, so "Code" goes to code even where it is another field's alias.
    const field =
      fields.find((f) => !taken.has(f.name) && normalised(f.name) === header) ??
      fields.find((f) => !taken.has(f.name) && matches(header, f.name));
    mapping[column] = field?.name ?? null;
    if (field) taken.add(field.name);
  }
  return mapping;
}

/** The fields a column may be mapped to: a flat row's, and `lines` for documents sent as JSON with their lines. */
export function mappableFields(entity: ImportEntity): ImportColumn[] {
  return entity.linesField === undefined
    ? [...entity.columns]
    : [...entity.columns, { name: 'lines', required: false }];
}

/** Why `mapping` cannot be used for the entity (a field that does not exist, one field twice), or null. */
export function mappingProblem(entity: ImportEntity, mapping: ColumnMapping): string | null {
  const names = new Set(mappableFields(entity).map((column) => column.name));
  const seen = new Map<string, string>();
  for (const [column, field] of Object.entries(mapping)) {
    if (field === null) continue;
    if (!names.has(field)) {
      return `Column "${column}" is mapped to "${field}", which ${entity.name} do not have (fields: ${[...names].join(', ')}).`;
    }
    const other = seen.get(field);
    if (other !== undefined) return `Columns "${other}" and "${column}" are both mapped to "${field}".`;
    seen.set(field, column);
  }
  return null;
}

/** A row with its columns renamed to fields; columns mapped to null are left out. */
export function mapRow(row: Record<string, unknown>, mapping: ColumnMapping): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    const field = Object.hasOwn(mapping, column) ? mapping[column] : column;
    if (field !== null && field !== undefined) mapped[field] = value;
  }
  return mapped;
}

/** The columns of a file's rows in first-seen order (a CSV's header; the keys of JSON objects). */
export function columnsOfRows(rows: readonly Record<string, unknown>[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}
