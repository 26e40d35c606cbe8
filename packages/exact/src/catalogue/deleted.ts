import { defineEntity } from './entity.ts';

/** The `sync/Deleted` feed: one row per deleted record, any entity (facts §4.1). */
export const deletedRecords = defineEntity({
  name: 'Deleted',
  path: 'sync/Deleted',
  syncPath: 'sync/Deleted',
  key: 'Timestamp',
  divisionScoped: true,
  methods: ['GET'],
  fields: {
    Timestamp: 'Int64',
    DeletedBy: 'Guid',
    DeletedDate: 'DateTime',
    Division: 'Int32 ro',
    EntityKey: 'Guid',
    EntityType: 'Int32',
    ID: 'Guid',
  },
} as const);
