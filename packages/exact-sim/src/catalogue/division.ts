import type { EntityDef, FieldDef } from './types.ts';

const divisionFields: FieldDef[] = [
  { name: 'Code', type: 'Edm.Int32', key: true },
  { name: 'Description', type: 'Edm.String' },
  { name: 'Hid', type: 'Edm.Int64' },
  { name: 'Current', type: 'Edm.Boolean' },
  { name: 'Customer', type: 'Edm.Guid' },
  { name: 'CustomerCode', type: 'Edm.String', pad: { width: 18, align: 'right' } },
  { name: 'CustomerName', type: 'Edm.String' },
  { name: 'Country', type: 'Edm.String' },
  { name: 'Currency', type: 'Edm.String' },
  { name: 'Legislation', type: 'Edm.String', readOnly: true, pad: { width: 3, align: 'left' } },
  { name: 'Status', type: 'Edm.Int32' },
  { name: 'BlockingStatus', type: 'Edm.Int32' },
  { name: 'IsMainDivision', type: 'Edm.Boolean' },
  { name: 'StartDate', type: 'Edm.DateTime', dateOnly: true },
  { name: 'ArchiveDate', type: 'Edm.DateTime' },
  { name: 'DivisionMoveDate', type: 'Edm.DateTime' },
  { name: 'VATNumber', type: 'Edm.String' },
  { name: 'TemplateCode', type: 'Edm.String' },
  { name: 'Created', type: 'Edm.DateTime', readOnly: true },
  { name: 'Modified', type: 'Edm.DateTime', readOnly: true },
];

/** `system/Divisions` (doc page SystemSystemDivisions): the caller's divisions. */
export const division: EntityDef = {
  name: 'Division',
  typeName: 'Exact.Web.Api.Models.System.Division',
  key: 'Code',
  fields: divisionFields,
};

/** `system/AllDivisions`: same shape, every division on the licence. */
export const allDivision: EntityDef = {
  name: 'AllDivision',
  typeName: 'Exact.Web.Api.Models.System.AllDivision',
  key: 'Code',
  fields: divisionFields,
};
