import { auditFields } from './audit-fields.ts';
import { postalAddressFields } from './postal-address-fields.ts';
import type { EntityDef } from './types.ts';

/** `crm/Addresses` (doc page CRMAddresses). */
export const address: EntityDef = {
  name: 'Address',
  typeName: 'Exact.Web.Api.Models.Address',
  key: 'ID',
  fields: [
    { name: 'ID', type: 'Edm.Guid', key: true },
    { name: 'Account', type: 'Edm.Guid' },
    {
      name: 'AccountName',
      type: 'Edm.String',
      readOnly: true,
      lookup: { via: 'Account', entity: 'Account', field: 'Name' },
    },
    { name: 'Contact', type: 'Edm.Guid' },
    {
      name: 'ContactName',
      type: 'Edm.String',
      readOnly: true,
      lookup: { via: 'Contact', entity: 'Contact', field: 'FullName' },
    },
    { name: 'Type', type: 'Edm.Int16' },
    { name: 'Main', type: 'Edm.Boolean' },
    ...postalAddressFields,
    { name: 'Phone', type: 'Edm.String' },
    { name: 'Fax', type: 'Edm.String' },
    { name: 'Mailbox', type: 'Edm.String' },
    { name: 'Notes', type: 'Edm.String' },
    { name: 'Warehouse', type: 'Edm.Guid' },
    ...auditFields,
  ],
};
