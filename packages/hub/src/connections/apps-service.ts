import { HubError } from '../errors/hub-error.ts';
import type { ExactAppInput, ExactAppRow } from './apps-repository.ts';
import type { ExactAccess } from './exact-access.ts';

/** Exact apps (OAuth clients) of a workspace: what changing or deleting one does to its connections. */
export class AppsService {
  readonly #exact: ExactAccess;

  constructor(exact: ExactAccess) {
    this.#exact = exact;
  }

  /** The redirect URI every app must register in Exact's App Center. */
  get redirectUri(): string {
    return this.#exact.redirectUri;
  }

  list(workspaceId: string): Promise<ExactAppRow[]> {
    return this.#exact.apps.list(workspaceId);
  }

  create(workspaceId: string, input: ExactAppInput): Promise<ExactAppRow> {
    if (input.baseUrl) this.#exact.assertAllowedBaseUrl(input.baseUrl);
    return this.#exact.apps.create(workspaceId, input);
  }

  /**
   * Changes an app. Tokens belong to a client ID and Exact host: when either changes, every
   * authorized connection on the app must be authorized again.
   */
  async update(app: ExactAppRow, changes: Partial<ExactAppInput>): Promise<ExactAppRow> {
    const { clientId, region, baseUrl } = changes;
    if (baseUrl) this.#exact.assertAllowedBaseUrl(baseUrl);
    const moved =
      (clientId !== undefined && clientId !== app.clientId) ||
      (region !== undefined && region !== app.region) ||
      (baseUrl !== undefined && baseUrl !== app.baseUrl);
    const updated = await this.#exact.apps.update(app.id, changes);
    if (moved) {
      await this.#exact.connections.requireReauthorizationForApp(
        app.id,
        `The Exact app "${app.title}" now has another client ID or Exact host`,
      );
    }
    return updated ?? app;
  }

  /** Only an app no connection uses can go. */
  async delete(app: ExactAppRow): Promise<void> {
    const used = await this.#exact.apps.countConnections(app.id);
    if (used > 0) {
      throw new HubError(
        'app_in_use',
        `${used} connection(s) use this app; delete them or move them to another app first.`,
      );
    }
    await this.#exact.apps.delete(app.id);
  }
}
