// Who exists in the simulated Exact Online: apps (OAuth clients), users with their
// licensed divisions, and the block switches the control API flips to provoke Exact's
// 403 reasons.

import { randomBytes, randomUUID } from 'node:crypto';
import type { AppSettings } from './config.ts';
import { SeededRandom } from './random.ts';

export interface SimApp extends AppSettings {}

export interface SimUser {
  id: string;
  username: string;
  password: string;
  fullName: string;
  email: string;
  /** Licensed divisions in the user's order; the first is the current division. */
  divisions: number[];
  blocked: boolean;
  licenseExpired: boolean;
}

/** Fresh credentials for a newly registered app (unguessable, unlike the seeded user ids). */
export function newAppCredentials(): Pick<SimApp, 'clientId' | 'clientSecret' | 'webhookSecret'> {
  return {
    clientId: randomUUID(),
    clientSecret: randomBytes(18).toString('base64url'),
    webhookSecret: randomBytes(12).toString('base64url'),
  };
}

/** Apps, users and blocked divisions as saved in a `--state` file. */
export interface DirectoryState {
  apps: SimApp[];
  users: SimUser[];
  blockedDivisions: number[];
}

export class DirectoryError extends Error {
  readonly code: 'duplicate' | 'not_found';
  constructor(code: 'duplicate' | 'not_found', message: string) {
    super(message);
    this.name = 'DirectoryError';
    this.code = code;
  }
}

export class Directory {
  readonly #apps = new Map<string, SimApp>();
  readonly #users = new Map<string, SimUser>();
  readonly #usersById = new Map<string, SimUser>();
  readonly #blockedDivisions = new Set<number>();
  readonly #seed: number;
  #random: SeededRandom;

  /** User ids come from `seed`, so the default user has the same id run after run. */
  constructor(seed: number) {
    this.#seed = seed;
    this.#random = new SeededRandom(seed);
  }

  addApp(app: SimApp): SimApp {
    if (this.#apps.has(app.clientId)) {
      throw new DirectoryError('duplicate', `an app with client id ${app.clientId} already exists`);
    }
    this.#apps.set(app.clientId, app);
    return app;
  }

  /** Changes an app's settings in place (its client id stays). */
  updateApp(clientId: string, patch: Partial<Omit<SimApp, 'clientId'>>): SimApp {
    const app = this.#apps.get(clientId);
    if (!app) throw new DirectoryError('not_found', `no app with client id ${clientId}`);
    Object.assign(app, patch);
    return app;
  }

  removeApp(clientId: string): void {
    if (!this.#apps.delete(clientId)) {
      throw new DirectoryError('not_found', `no app with client id ${clientId}`);
    }
  }

  app(clientId: string): SimApp | undefined {
    return this.#apps.get(clientId);
  }

  apps(): SimApp[] {
    return [...this.#apps.values()];
  }

  addUser(input: { username: string; password: string; fullName?: string; divisions: number[] }): SimUser {
    const key = input.username.toLowerCase();
    if (this.#users.has(key))
      throw new DirectoryError('duplicate', `a user named ${input.username} already exists`);
    const user: SimUser = {
      id: this.#random.guid(),
      username: input.username,
      password: input.password,
      fullName: input.fullName ?? input.username,
      email: input.username.includes('@') ? input.username : `${input.username}@exact-sim.local`,
      divisions: [...new Set(input.divisions)],
      blocked: false,
      licenseExpired: false,
    };
    this.#users.set(key, user);
    this.#usersById.set(user.id, user);
    return user;
  }

  /** Usernames are case-insensitive, as on Exact's login page. */
  user(username: string): SimUser | undefined {
    return this.#users.get(username.toLowerCase());
  }

  userById(id: string): SimUser | undefined {
    return this.#usersById.get(id);
  }

  users(): SimUser[] {
    return [...this.#users.values()];
  }

  setDivisionBlocked(code: number, blocked: boolean): void {
    if (blocked) this.#blockedDivisions.add(code);
    else this.#blockedDivisions.delete(code);
  }

  isDivisionBlocked(code: number): boolean {
    return this.#blockedDivisions.has(code);
  }

  exportState(): DirectoryState {
    return {
      apps: this.apps().map((app) => ({ ...app })),
      users: this.users().map((user) => ({ ...user, divisions: [...user.divisions] })),
      blockedDivisions: [...this.#blockedDivisions],
    };
  }

  /** Replaces everything with a saved state; new users keep getting fresh seeded ids. */
  importState(state: DirectoryState): void {
    this.clear();
    for (const app of state.apps) this.addApp({ ...app });
    for (const user of state.users) {
      // Draw the id this user took, so the next user created gets the id it would have had.
      this.#random.guid();
      const copy = { ...user, divisions: [...user.divisions] };
      this.#users.set(user.username.toLowerCase(), copy);
      this.#usersById.set(user.id, copy);
    }
    for (const code of state.blockedDivisions) this.#blockedDivisions.add(code);
  }

  clear(): void {
    this.#apps.clear();
    this.#users.clear();
    this.#usersById.clear();
    this.#blockedDivisions.clear();
    this.#random = new SeededRandom(this.#seed);
  }
}
