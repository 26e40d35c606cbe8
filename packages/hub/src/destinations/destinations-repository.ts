import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Db } from '../storage/database.ts';
import { type DestinationKind, destinations } from '../storage/schema.ts';
import type { DestinationTestResult } from './postgres-destination.ts';

export type DestinationRow = typeof destinations.$inferSelect;

const connectionStringContext = (id: string) => secretContext('destinations', 'connection_string_enc', id);

/** A workspace's destinations; the connection string is sealed with the row id as context. */
export class DestinationsRepository {
  readonly #db: Db;
  readonly #secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.#db = db;
    this.#secrets = secrets;
  }

  async create(input: {
    workspaceId: string;
    name: string;
    kind: DestinationKind;
    connectionString: string;
  }): Promise<DestinationRow> {
    const id = randomUUID();
    const [row] = await this.#db
      .insert(destinations)
      .values({
        id,
        workspaceId: input.workspaceId,
        name: input.name,
        kind: input.kind,
        connectionStringEnc: this.#secrets.seal(input.connectionString, connectionStringContext(id)),
      })
      .returning();
    return row!;
  }

  list(workspaceId: string): Promise<DestinationRow[]> {
    return this.#db
      .select()
      .from(destinations)
      .where(eq(destinations.workspaceId, workspaceId))
      .orderBy(asc(destinations.createdAt));
  }

  async findInWorkspace(workspaceId: string, id: string): Promise<DestinationRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(destinations)
      .where(and(eq(destinations.workspaceId, workspaceId), eq(destinations.id, id)));
    return row;
  }

  async findById(id: string): Promise<DestinationRow | undefined> {
    const [row] = await this.#db.select().from(destinations).where(eq(destinations.id, id));
    return row;
  }

  async update(
    id: string,
    changes: { name?: string; connectionString?: string; lastTest?: DestinationTestResult },
  ): Promise<DestinationRow | undefined> {
    const [row] = await this.#db
      .update(destinations)
      .set({
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.connectionString === undefined
          ? {}
          : {
              connectionStringEnc: this.#secrets.seal(changes.connectionString, connectionStringContext(id)),
            }),
        ...(changes.lastTest === undefined ? {} : { lastTest: changes.lastTest }),
        updatedAt: new Date(),
      })
      .where(eq(destinations.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(destinations).where(eq(destinations.id, id));
  }

  connectionStringOf(row: DestinationRow): string {
    return this.#secrets.open(row.connectionStringEnc, connectionStringContext(row.id));
  }
}
