import { auditFields } from './audit-fields.ts';
import type { EntityDef } from './types.ts';

/** `financial/GLAccounts` (doc page FinancialGLAccounts). */
export const glAccount: EntityDef = {
  name: 'GLAccount',
  typeName: 'Exact.Web.Api.Models.GLAccount',
  key: 'ID',
  fields: [
    { name: 'ID', type: 'Edm.Guid', key: true },
    { name: 'Code', type: 'Edm.String' },
    { name: 'Description', type: 'Edm.String' },
    { name: 'SearchCode', type: 'Edm.String' },
    { name: 'Type', type: 'Edm.Int32' },
    { name: 'TypeDescription', type: 'Edm.String', readOnly: true },
    { name: 'BalanceSide', type: 'Edm.String' },
    { name: 'BalanceType', type: 'Edm.String' },
    { name: 'VATCode', type: 'Edm.String', pad: { width: 3, align: 'left' } },
    { name: 'IsBlocked', type: 'Edm.Boolean' },
    { name: 'Matching', type: 'Edm.Boolean' },
    { name: 'Costcenter', type: 'Edm.String' },
    { name: 'Costunit', type: 'Edm.String' },
    { name: 'UseCostcenter', type: 'Edm.Byte' },
    { name: 'UseCostunit', type: 'Edm.Byte' },
    { name: 'ReportingCode', type: 'Edm.String' },
    { name: 'RevalueCurrency', type: 'Edm.Boolean' },
    ...auditFields,
  ],
};
