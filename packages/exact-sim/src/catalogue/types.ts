// The entity catalogue is plain data: field names, Edm types, keys, read-only flags and
// property order exactly as Exact returns them, built from generated/endpoints.json (the
// same generator and metadata as the SDK's catalogue) plus field-hints.ts.

export type EdmType =
  | 'Edm.Binary'
  | 'Edm.Guid'
  | 'Edm.String'
  | 'Edm.Byte'
  | 'Edm.Int16'
  | 'Edm.Int32'
  | 'Edm.Int64'
  | 'Edm.Double'
  | 'Edm.Boolean'
  | 'Edm.DateTime';

export interface LookupDef {
  /** Field on this record holding the referenced record's key. */
  via: string;
  /** Entity name (catalogue `name`) of the referenced record. */
  entity: string;
  /** Field of the referenced record to show. */
  field: string;
}

export interface FieldDef {
  name: string;
  /** Edm type of a scalar, or `nav` for a navigation collection (lines, bank accounts). */
  type: EdmType | 'nav';
  key?: true;
  /** Not accepted on POST/PUT; values sent for it are ignored. */
  readOnly?: true;
  /** Methods the property takes part in, as Exact's reference gives them: `G`, `P` post, `U` put. */
  methods?: string;
  /** Fixed-width char column: Exact keeps the padding in output. `right` aligns right (leading spaces). */
  pad?: { width: number; align: 'left' | 'right' };
  /** Date-only field: always midnight. */
  dateOnly?: true;
  /** Value derived at read time from a referenced record (e.g. `AccountName`). */
  lookup?: LookupDef;
  /** Navigation collection: child entity name and the child field pointing back to this record. */
  nav?: { entity: string; foreignKey: string };
}

export interface EntityDef {
  /** Catalogue name, e.g. `Account`. */
  name: string;
  /** `__metadata.type`, e.g. `Exact.Web.Api.Models.Account`. */
  typeName: string;
  /** Key property, e.g. `ID` or `InvoiceID`. */
  key: string;
  fields: FieldDef[];
}
