import type { FieldDef } from './types.ts';

/** The postal address columns of accounts and addresses, in Exact's order. */
export const postalAddressFields: FieldDef[] = [
  { name: 'AddressLine1', type: 'Edm.String' },
  { name: 'AddressLine2', type: 'Edm.String' },
  { name: 'AddressLine3', type: 'Edm.String' },
  { name: 'Postcode', type: 'Edm.String' },
  { name: 'City', type: 'Edm.String' },
  { name: 'State', type: 'Edm.String' },
  { name: 'Country', type: 'Edm.String', pad: { width: 3, align: 'left' } },
  { name: 'CountryName', type: 'Edm.String', readOnly: true },
];
