import type { Logger } from 'pino';
import type { SessionsRepository } from '../auth/sessions-repository.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../storage/database.ts';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.ts';
import type { ExactAccess } from './exact-access.ts';

/** What the Exact half's services and jobs are built from. */
export interface ConnectionsDeps {
  exact: ExactAccess;
  db: Db;
  clock: Clock;
  logger: Logger;
  sessions: Pick<SessionsRepository, 'findLive'>;
  workspaces: Pick<WorkspacesRepository, 'roleOf' | 'listIds'>;
}
