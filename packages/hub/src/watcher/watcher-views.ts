import { z } from 'zod';
import type { RecordErrorGroup, RecordErrorRow } from '../flows/record-errors-repository.ts';
import { iso, Timestamp } from '../http/zod-schemas.ts';
import { RECORD_ERROR_STATUSES } from '../storage/schema.ts';

/** Response shapes of the watcher's per-record errors. */

export const RecordErrorView = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  runId: z.uuid().nullable().meta({ description: 'The run that last tried the record' }),
  division: z.number().int(),
  entity: z.string(),
  recordKey: z.string().meta({ description: "The record's key in Exact (its ID)" }),
  recordLabel: z.string().nullable().meta({ description: "The record's code or name" }),
  code: z.string(),
  message: z.string(),
  reason: z
    .string()
    .nullable()
    .meta({ description: "Exact's Reason, or the destination's detail (constraint, column)" }),
  payload: z.unknown().meta({ description: 'The record as it was sent' }),
  status: z.enum(RECORD_ERROR_STATUSES),
  attempts: z.number().int(),
  resolution: z.enum(['retried', 'manual']).nullable(),
  resolvedBy: z.uuid().nullable(),
  resolvedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const recordErrorView = (row: RecordErrorRow): z.input<typeof RecordErrorView> => ({
  id: row.id,
  flowId: row.flowId,
  runId: row.runId,
  division: row.division,
  entity: row.entity,
  recordKey: row.recordKey,
  recordLabel: row.recordLabel,
  code: row.code,
  message: row.message,
  reason: row.reason,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  resolution: row.resolution as 'retried' | 'manual' | null,
  resolvedBy: row.resolvedBy,
  resolvedAt: iso(row.resolvedAt),
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const ErrorGroupView = z.object({
  flowId: z.uuid(),
  entity: z.string(),
  code: z.string(),
  message: z.string(),
  count: z.number().int(),
  firstAt: Timestamp,
  lastAt: Timestamp,
});
export const errorGroupView = (group: RecordErrorGroup): z.input<typeof ErrorGroupView> => ({
  ...group,
  firstAt: new Date(group.firstAt).toISOString(),
  lastAt: new Date(group.lastAt).toISOString(),
});
