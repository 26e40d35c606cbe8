import { defineEntity } from './entity.ts';

const divisionFields = {
  Code: 'Int32',
  Description: 'String',
  Hid: 'Int64',
  Current: 'Boolean',
  Customer: 'Guid',
  CustomerCode: 'String code18',
  CustomerName: 'String',
  Country: 'String pad',
  Currency: 'String pad',
  Legislation: 'String ro pad',
  Status: 'Int32',
  BlockingStatus: 'Int32',
  IsMainDivision: 'Boolean',
  StartDate: 'DateTime',
  ArchiveDate: 'DateTime',
  DivisionMoveDate: 'DateTime',
  VATNumber: 'String',
  TemplateCode: 'String',
  Created: 'DateTime ro',
  Modified: 'DateTime ro',
} as const;

/** Divisions the signed-in user can access (`system/Divisions`, key `Code`). */
export const divisions = defineEntity({
  name: 'Divisions',
  path: 'system/Divisions',
  key: 'Code',
  divisionScoped: true,
  methods: ['GET'],
  fields: divisionFields,
} as const);

/** Every division on the licence (`system/AllDivisions`), same shape as `system/Divisions`. */
export const allDivisions = defineEntity({
  name: 'AllDivisions',
  path: 'system/AllDivisions',
  key: 'Code',
  divisionScoped: true,
  methods: ['GET'],
  fields: divisionFields,
} as const);
