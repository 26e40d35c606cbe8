import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { HubConfig } from './config/config.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { SecretBox } from './secrets/secret-box.ts';
import { ApiTokensRepository } from './storage/api-tokens-repository.ts';
import type { Database, Db } from './storage/database.ts';
import { InvitationsRepository } from './storage/invitations-repository.ts';
import { RateLimitRepository } from './storage/rate-limit-repository.ts';
import { SessionsRepository } from './storage/sessions-repository.ts';
import { UsersRepository } from './storage/users-repository.ts';
import { WorkspacesRepository } from './storage/workspaces-repository.ts';

export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  workspaces: WorkspacesRepository;
  invitations: InvitationsRepository;
  rateLimits: RateLimitRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    apiTokens: new ApiTokensRepository(db),
    workspaces: new WorkspacesRepository(db),
    invitations: new InvitationsRepository(db),
    rateLimits: new RateLimitRepository(db),
  };
}

/** Everything a route plugin, job or doctor check needs; built once by createHub. */
export interface HubContext {
  config: HubConfig;
  database: Database;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  clock: Clock;
  repos: Repositories;
  jobs: JobQueue;
}
