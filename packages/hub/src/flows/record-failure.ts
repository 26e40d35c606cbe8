/**
 * One record a flow could not move while the rest of its page went through: a row the
 * destination refused, a record Exact rejected. Recorded as an open error on the stream.
 */
export interface RecordFailure {
  /** The record's key in Exact (its ID). */
  key: string;
  /** The record's code or name, so a person recognises it. */
  label: string | null;
  code: string;
  message: string;
  /** Exact's `Reason`, or the destination's detail (the constraint, the column). */
  reason: string | null;
  /** The record as sent; what a retry sends again. */
  payload: unknown;
}

/** The field a person knows a record by: its code, else its name or description. */
export function recordLabel(record: Record<string, unknown>): string | null {
  for (const field of ['Code', 'Name', 'Description', 'InvoiceNumber', 'OrderNumber', 'EntryNumber']) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return null;
}
