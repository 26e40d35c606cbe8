import { auditFields } from './audit-fields.ts';
import { defineEntity } from './entity.ts';

/** General ledger accounts. Fields: facts §9 `financial/GLAccounts`. */
export const glAccounts = defineEntity({
  name: 'GLAccounts',
  path: 'financial/GLAccounts',
  syncPath: 'sync/Financial/GLAccounts',
  bulkPath: 'bulk/Financial/GLAccounts',
  key: 'ID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  deletedEntityTypes: [7],
  fields: {
    ID: 'Guid',
    Code: 'String pad',
    Description: 'String',
    SearchCode: 'String',
    Type: 'Int32',
    TypeDescription: 'String ro',
    BalanceSide: 'String pad',
    BalanceType: 'String pad',
    VATCode: 'String pad',
    IsBlocked: 'Boolean',
    Matching: 'Boolean',
    Costcenter: 'String',
    Costunit: 'String',
    UseCostcenter: 'Byte',
    UseCostunit: 'Byte',
    ReportingCode: 'String',
    RevalueCurrency: 'Boolean',
    ...auditFields,
  },
} as const);
