import { auditFields } from './audit-fields.ts';
import { defineEntity } from './entity.ts';

/** CRM addresses (visit, postal, invoice, delivery). Fields: facts §9 `crm/Addresses`. */
export const addresses = defineEntity({
  name: 'Addresses',
  path: 'crm/Addresses',
  syncPath: 'sync/CRM/Addresses',
  bulkPath: 'bulk/CRM/Addresses',
  key: 'ID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  deletedEntityTypes: [3],
  fields: {
    ID: 'Guid',
    Account: 'Guid',
    AccountName: 'String ro',
    Contact: 'Guid',
    ContactName: 'String ro',
    Type: 'Int16',
    Main: 'Boolean',
    AddressLine1: 'String',
    AddressLine2: 'String',
    AddressLine3: 'String',
    Postcode: 'String',
    City: 'String',
    State: 'String',
    Country: 'String pad',
    CountryName: 'String ro',
    Phone: 'String',
    Fax: 'String',
    Mailbox: 'String',
    Notes: 'String',
    Warehouse: 'Guid',
    ...auditFields,
  },
} as const);
