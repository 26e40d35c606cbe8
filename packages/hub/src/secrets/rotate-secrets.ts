import { sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { queryRows } from '../storage/database.ts';
import type { SecretBox } from './secret-box.ts';

/**
 * The context every secret column is sealed with: `<table>.<column without _enc>:<row id>`.
 * Repositories must follow it so `koppel rotate-secrets` can re-seal any `*_enc` column.
 */
export function secretContext(table: string, column: string, rowId: string): string {
  return `${table}.${column.replace(/_enc$/, '')}:${rowId}`;
}

export interface RotationReport {
  resealed: number;
  /** Values that changed while rotating; they were written under the current key already. */
  skipped: number;
  columns: string[];
}

/**
 * Re-seals every secret that is not under the current key, in every `*_enc` column of the
 * public schema (tables keyed by `id`). Each update is a compare-and-set on the old envelope,
 * so it is safe while servers and workers keep running.
 */
export async function rotateSecrets(db: Db, box: SecretBox): Promise<RotationReport> {
  const columns = await queryRows(
    db,
    sql`select c.table_name, c.column_name from information_schema.columns c
        where c.table_schema = 'public' and c.column_name like '%\_enc'
          and exists (select 1 from information_schema.columns k
                      where k.table_schema = 'public' and k.table_name = c.table_name and k.column_name = 'id')
        order by 1, 2`,
  );
  const report: RotationReport = { resealed: 0, skipped: 0, columns: [] };
  for (const { table_name, column_name } of columns) {
    const table = String(table_name);
    const column = String(column_name);
    report.columns.push(`${table}.${column}`);
    const rows = await queryRows(
      db,
      sql`select id::text as id, ${sql.identifier(column)} as value from ${sql.identifier(table)}
          where ${sql.identifier(column)} is not null and split_part(${sql.identifier(column)}, '.', 2) <> ${box.currentKeyId}`,
    );
    for (const row of rows) {
      const id = String(row.id);
      const old = String(row.value);
      const context = secretContext(table, column, id);
      const fresh = box.seal(box.open(old, context), context);
      const updated = await queryRows(
        db,
        sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${fresh}
            where id::text = ${id} and ${sql.identifier(column)} = ${old} returning 1 as ok`,
      );
      if (updated.length > 0) report.resealed++;
      else report.skipped++;
    }
  }
  return report;
}
