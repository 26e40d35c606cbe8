import type { FieldDef } from './types.ts';

/** Audit columns every main Exact entity ends with. */
export const auditFields: FieldDef[] = [
  { name: 'Division', type: 'Edm.Int32', readOnly: true },
  { name: 'Created', type: 'Edm.DateTime', readOnly: true },
  { name: 'Creator', type: 'Edm.Guid', readOnly: true },
  { name: 'CreatorFullName', type: 'Edm.String', readOnly: true },
  { name: 'Modified', type: 'Edm.DateTime', readOnly: true },
  { name: 'Modifier', type: 'Edm.Guid', readOnly: true },
  { name: 'ModifierFullName', type: 'Edm.String', readOnly: true },
];
