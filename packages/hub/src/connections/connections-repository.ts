import { randomUUID } from 'node:crypto';
import type { TokenSet } from '@koppel/exact';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Db } from '../storage/database.ts';
import {
  alerts,
  type ConnectionStatus,
  connectionDivisions,
  connections,
  type EventLevel,
  events,
} from '../storage/schema.ts';

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionDivisionRow = typeof connectionDivisions.$inferSelect;
export type EventRow = typeof events.$inferSelect;

/** A division as Exact's `system/Divisions` lists it. */
export interface ExactDivision {
  code: number;
  description: string | null;
  country: string | null;
}

const accessTokenContext = (id: string) => secretContext('connections', 'access_token_enc', id);
const refreshTokenContext = (id: string) => secretContext('connections', 'refresh_token_enc', id);

/** Connections, their linked divisions, and the events and alerts about them. */
export class ConnectionsRepository {
  readonly #db: Db;
  readonly #secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.#db = db;
    this.#secrets = secrets;
  }

  async create(input: {
    workspaceId: string;
    appId: string;
    name: string;
    active: boolean;
  }): Promise<ConnectionRow> {
    const [row] = await this.#db
      .insert(connections)
      .values({
        id: randomUUID(),
        workspaceId: input.workspaceId,
        appId: input.appId,
        name: input.name,
        active: input.active,
        status: input.active ? 'not_authorized' : 'inactive',
      })
      .returning();
    return row!;
  }

  async list(workspaceId: string): Promise<ConnectionRow[]> {
    return this.#db
      .select()
      .from(connections)
      .where(eq(connections.workspaceId, workspaceId))
      .orderBy(asc(connections.createdAt), asc(connections.name));
  }

  async listAll(): Promise<ConnectionRow[]> {
    return this.#db.select().from(connections).orderBy(asc(connections.createdAt));
  }

  /** Authorized connections whose token pair was obtained before `cutoff` (for the keep-alive). */
  async listIdleSince(cutoff: Date): Promise<ConnectionRow[]> {
    return this.#db
      .select()
      .from(connections)
      .where(
        and(
          isNotNull(connections.refreshTokenEnc),
          inArray(connections.status, ['active', 'inactive', 'error']),
          lt(connections.tokenObtainedAt, cutoff),
        ),
      );
  }

  async findById(id: string, db: Db = this.#db): Promise<ConnectionRow | undefined> {
    const [row] = await db.select().from(connections).where(eq(connections.id, id));
    return row;
  }

  /**
   * Takes the refresh lease for `owner` unless another owner holds one that has not expired
   * (database time). One statement: nothing stays open while the owner calls Exact.
   * Returns false when the lease is taken, undefined when the connection does not exist.
   */
  async takeRefreshLease(id: string, owner: string, leaseMs: number): Promise<boolean | undefined> {
    const [row] = await this.#db
      .update(connections)
      .set({
        refreshLeaseOwner: owner,
        refreshLeaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      })
      .where(
        and(
          eq(connections.id, id),
          or(isNull(connections.refreshLeaseUntil), lt(connections.refreshLeaseUntil, sql`now()`)),
        ),
      )
      .returning({ id: connections.id });
    if (row) return true;
    return (await this.findById(id)) ? false : undefined;
  }

  /** Gives the lease back, if `owner` still holds it. */
  async releaseRefreshLease(id: string, owner: string): Promise<void> {
    await this.#db
      .update(connections)
      .set({ refreshLeaseOwner: null, refreshLeaseUntil: null })
      .where(and(eq(connections.id, id), eq(connections.refreshLeaseOwner, owner)));
  }

  /** Reads the row under `SELECT … FOR UPDATE`; only meaningful inside a transaction. */
  async lockById(id: string, tx: Db): Promise<ConnectionRow | undefined> {
    const [row] = await tx.select().from(connections).where(eq(connections.id, id)).for('update');
    return row;
  }

  async update(
    id: string,
    changes: Partial<Pick<ConnectionRow, 'name' | 'active' | 'status' | 'lastTest'>>,
    db: Db = this.#db,
  ): Promise<ConnectionRow | undefined> {
    const [row] = await db
      .update(connections)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(connections.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(connections).where(eq(connections.id, id));
  }

  /** The decrypted token pair, or undefined when the connection was never authorized. */
  tokensOf(row: ConnectionRow): TokenSet | undefined {
    if (!row.accessTokenEnc || !row.refreshTokenEnc || !row.accessExpiresAt || !row.tokenObtainedAt)
      return undefined;
    return {
      accessToken: this.#secrets.open(row.accessTokenEnc, accessTokenContext(row.id)),
      refreshToken: this.#secrets.open(row.refreshTokenEnc, refreshTokenContext(row.id)),
      expiresAt: row.accessExpiresAt.getTime(),
      obtainedAt: row.tokenObtainedAt.getTime(),
    };
  }

  /**
   * Stores a new token pair (sealed). `refreshedAt` marks that the previous refresh token was
   * spent to get it; a pair from a code exchange leaves it null.
   */
  async saveTokens(id: string, tokens: TokenSet, refreshedAt: Date | null, db: Db = this.#db): Promise<void> {
    await db
      .update(connections)
      .set({
        accessTokenEnc: this.#secrets.seal(tokens.accessToken, accessTokenContext(id)),
        refreshTokenEnc: this.#secrets.seal(tokens.refreshToken, refreshTokenContext(id)),
        accessExpiresAt: new Date(tokens.expiresAt),
        tokenObtainedAt: new Date(tokens.obtainedAt),
        refreshUsedAt: refreshedAt,
        updatedAt: new Date(),
      })
      .where(eq(connections.id, id));
  }

  /** Records who authorized the connection and makes it usable; an earlier test result no longer applies. */
  async markAuthorized(
    id: string,
    user: { exactUserId: string | null; exactUserName: string | null },
    active: boolean,
    db: Db = this.#db,
  ): Promise<void> {
    await db
      .update(connections)
      .set({ ...user, status: active ? 'active' : 'inactive', lastTest: null, updatedAt: new Date() })
      .where(eq(connections.id, id));
  }

  /** Moves the connection to `needs_reauth`; false when it already was (or is gone). */
  async markNeedsReauth(id: string): Promise<boolean> {
    const rows = await this.#db
      .update(connections)
      .set({ status: 'needs_reauth', updatedAt: new Date() })
      .where(and(eq(connections.id, id), ne(connections.status, 'needs_reauth')))
      .returning({ id: connections.id });
    return rows.length > 0;
  }

  async setStatus(id: string, status: ConnectionStatus, db: Db = this.#db): Promise<void> {
    await db.update(connections).set({ status, updatedAt: new Date() }).where(eq(connections.id, id));
  }

  /**
   * The app's client ID or Exact host changed: tokens issued before belong to the old one, so
   * every authorized connection on the app must be authorized again. Returns their ids.
   */
  /**
   * The app's client ID or host changed: its connections' tokens belong to the old setting, so
   * they are dropped (never sent to the new host) and each connection waits for a new authorization.
   */
  async requireReauthorizationForApp(appId: string, reason: string): Promise<string[]> {
    const rows = await this.#db
      .update(connections)
      .set({
        status: 'needs_reauth',
        accessTokenEnc: null,
        refreshTokenEnc: null,
        accessExpiresAt: null,
        refreshUsedAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(connections.appId, appId), isNotNull(connections.refreshTokenEnc)))
      .returning({ id: connections.id, workspaceId: connections.workspaceId });
    for (const row of rows) {
      await this.recordEvent({
        workspaceId: row.workspaceId,
        connectionId: row.id,
        kind: 'app_changed',
        level: 'warning',
        message: `${reason}; authorize the connection again.`,
      });
    }
    return rows.map((row) => row.id);
  }

  async listDivisions(connectionId: string, db: Db = this.#db): Promise<ConnectionDivisionRow[]> {
    return db
      .select()
      .from(connectionDivisions)
      .where(eq(connectionDivisions.connectionId, connectionId))
      .orderBy(asc(connectionDivisions.code));
  }

  /**
   * Makes the stored list match what Exact returned: new divisions are added (not linked),
   * known ones get their names and countries refreshed and count as in scope again, and
   * the ones Exact no longer lists stay (keeping their link) with `in_scope = false`.
   */
  async syncDivisions(connectionId: string, seen: ExactDivision[], db: Db = this.#db): Promise<void> {
    const now = new Date();
    for (const division of seen) {
      await db
        .insert(connectionDivisions)
        .values({
          connectionId,
          code: division.code,
          description: division.description,
          country: division.country,
        })
        .onConflictDoUpdate({
          target: [connectionDivisions.connectionId, connectionDivisions.code],
          set: {
            description: division.description,
            country: division.country,
            inScope: true,
            updatedAt: now,
          },
        });
    }
    const codes = seen.map((d) => d.code);
    await db
      .update(connectionDivisions)
      .set({ inScope: false, updatedAt: now })
      .where(
        and(
          eq(connectionDivisions.connectionId, connectionId),
          codes.length > 0 ? notInArray(connectionDivisions.code, codes) : undefined,
        ),
      );
  }

  /** Links exactly `codes` (all must be stored already) and unlinks every other division. */
  async setLinkedDivisions(connectionId: string, codes: number[], db: Db = this.#db): Promise<void> {
    const now = new Date();
    await db
      .update(connectionDivisions)
      .set({ linked: false, updatedAt: now })
      .where(eq(connectionDivisions.connectionId, connectionId));
    if (codes.length === 0) return;
    await db
      .update(connectionDivisions)
      .set({ linked: true, updatedAt: now })
      .where(
        and(eq(connectionDivisions.connectionId, connectionId), inArray(connectionDivisions.code, codes)),
      );
  }

  async recordEvent(
    input: {
      workspaceId: string;
      connectionId: string;
      kind: string;
      level: EventLevel;
      message: string;
      details?: unknown;
    },
    db: Db = this.#db,
  ): Promise<void> {
    await db.insert(events).values({ id: randomUUID(), ...input, details: input.details ?? null });
  }

  /** Opens an alert unless one of the same kind is still open for the connection. */
  async raiseAlert(
    input: { workspaceId: string; connectionId: string; kind: string; message: string; details?: unknown },
    db: Db = this.#db,
  ): Promise<void> {
    const [open] = await db
      .select({ id: alerts.id })
      .from(alerts)
      .where(
        and(
          eq(alerts.connectionId, input.connectionId),
          eq(alerts.kind, input.kind),
          isNull(alerts.resolvedAt),
        ),
      );
    if (open) return;
    await db.insert(alerts).values({ id: randomUUID(), ...input, details: input.details ?? null });
  }

  /** Closes the connection's open alerts of `kind` (e.g. after a successful re-authorization). */
  async resolveAlerts(connectionId: string, kind: string, db: Db = this.#db): Promise<void> {
    await db
      .update(alerts)
      .set({ resolvedAt: new Date() })
      .where(and(eq(alerts.connectionId, connectionId), eq(alerts.kind, kind), isNull(alerts.resolvedAt)));
  }

  async listEvents(connectionId: string, limit: number): Promise<EventRow[]> {
    return this.#db
      .select()
      .from(events)
      .where(eq(events.connectionId, connectionId))
      .orderBy(desc(events.createdAt))
      .limit(limit);
  }
}
