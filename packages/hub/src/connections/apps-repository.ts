import { randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Db } from '../storage/database.ts';
import { connections, exactApps } from '../storage/schema.ts';

export type ExactAppRow = typeof exactApps.$inferSelect;

export interface ExactAppInput {
  title: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string | null;
  region: string;
  baseUrl: string | null;
}

/** The secrets of an app, decrypted: only for talking to Exact, never for a response. */
export interface ExactAppSecrets {
  clientSecret: string;
  webhookSecret: string | null;
}

const clientSecretContext = (id: string) => secretContext('exact_apps', 'client_secret_enc', id);
const webhookSecretContext = (id: string) => secretContext('exact_apps', 'webhook_secret_enc', id);

/** Exact apps (OAuth clients) of a workspace; secrets are sealed with the row id as context. */
export class ExactAppsRepository {
  readonly #db: Db;
  readonly #secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.#db = db;
    this.#secrets = secrets;
  }

  async create(workspaceId: string, input: ExactAppInput, db: Db = this.#db): Promise<ExactAppRow> {
    const id = randomUUID();
    const [row] = await db
      .insert(exactApps)
      .values({
        id,
        workspaceId,
        title: input.title,
        clientId: input.clientId,
        clientSecretEnc: this.#secrets.seal(input.clientSecret, clientSecretContext(id)),
        webhookSecretEnc:
          input.webhookSecret === null
            ? null
            : this.#secrets.seal(input.webhookSecret, webhookSecretContext(id)),
        region: input.region,
        baseUrl: input.baseUrl,
      })
      .returning();
    return row!;
  }

  async list(workspaceId: string): Promise<ExactAppRow[]> {
    return this.#db
      .select()
      .from(exactApps)
      .where(eq(exactApps.workspaceId, workspaceId))
      .orderBy(asc(exactApps.createdAt), asc(exactApps.title));
  }

  async listAll(): Promise<ExactAppRow[]> {
    return this.#db.select().from(exactApps).orderBy(asc(exactApps.createdAt));
  }

  async findById(id: string, db: Db = this.#db): Promise<ExactAppRow | undefined> {
    const [row] = await db.select().from(exactApps).where(eq(exactApps.id, id));
    return row;
  }

  async findInWorkspace(workspaceId: string, id: string): Promise<ExactAppRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(exactApps)
      .where(and(eq(exactApps.id, id), eq(exactApps.workspaceId, workspaceId)));
    return row;
  }

  async findByClientAndTitle(
    workspaceId: string,
    clientId: string,
    title: string,
  ): Promise<ExactAppRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(exactApps)
      .where(
        and(
          eq(exactApps.workspaceId, workspaceId),
          eq(exactApps.clientId, clientId),
          eq(exactApps.title, title),
        ),
      );
    return row;
  }

  /** Changes the given fields; `undefined` leaves a field alone, `null` clears the webhook secret or base URL. */
  async update(id: string, changes: Partial<ExactAppInput>): Promise<ExactAppRow | undefined> {
    const set: Partial<typeof exactApps.$inferInsert> = { updatedAt: new Date() };
    if (changes.title !== undefined) set.title = changes.title;
    if (changes.clientId !== undefined) set.clientId = changes.clientId;
    if (changes.region !== undefined) set.region = changes.region;
    if (changes.baseUrl !== undefined) set.baseUrl = changes.baseUrl;
    if (changes.clientSecret !== undefined) {
      set.clientSecretEnc = this.#secrets.seal(changes.clientSecret, clientSecretContext(id));
    }
    if (changes.webhookSecret !== undefined) {
      set.webhookSecretEnc =
        changes.webhookSecret === null
          ? null
          : this.#secrets.seal(changes.webhookSecret, webhookSecretContext(id));
    }
    const [row] = await this.#db.update(exactApps).set(set).where(eq(exactApps.id, id)).returning();
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(exactApps).where(eq(exactApps.id, id));
  }

  async countConnections(id: string): Promise<number> {
    const [row] = await this.#db.select({ n: count() }).from(connections).where(eq(connections.appId, id));
    return row?.n ?? 0;
  }

  secretsOf(app: ExactAppRow): ExactAppSecrets {
    return {
      clientSecret: this.#secrets.open(app.clientSecretEnc, clientSecretContext(app.id)),
      webhookSecret:
        app.webhookSecretEnc === null
          ? null
          : this.#secrets.open(app.webhookSecretEnc, webhookSecretContext(app.id)),
    };
  }
}
