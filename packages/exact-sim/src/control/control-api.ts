// The test control API under /_sim: inspect and shape the simulated world (apps, users,
// divisions, records), move the clock, inject faults, read statistics, reset. Documented
// in the package README; bad input gets a 400 naming what to fix.
import { timingSafeEqual } from 'node:crypto';
import type { SimClock } from '../clock.ts';
import { ClockError } from '../clock.ts';
import { checkDivisionSpec, SettingsError, type SimulatorSettings } from '../config.ts';
import type { DataPlane, DivisionInfo, DivisionSpec } from '../contract.ts';
import { DivisionSpecError } from '../data/division-spec-error.ts';
import {
  type Directory,
  DirectoryError,
  newAppCredentials,
  type SimApp,
  type SimUser,
} from '../directory.ts';
import type { FaultSettings, Faults } from '../faults.ts';
import type { TokenStore } from '../oauth/token-store.ts';
import { jsonReply, type Reply, type SimRequest } from '../server/http-types.ts';
import type { SimStats } from '../stats.ts';
import type { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import {
  ControlInputError,
  type JsonObject,
  onlyKeys,
  optionalBoolean,
  optionalInteger,
  optionalIntegerList,
  optionalString,
  optionalStringList,
  parseJsonObject,
  requiredInteger,
  requiredString,
} from './input.ts';

export interface ControlDeps {
  settings: SimulatorSettings;
  clock: SimClock;
  directory: Directory;
  tokens: TokenStore;
  faults: Faults;
  stats: SimStats;
  webhooks: WebhookDispatcher;
  dataPlane: () => DataPlane;
  createDivision: (spec: DivisionSpec) => DivisionInfo;
  /** Back to the start-up state (default app, user and divisions); the clock keeps its time. */
  reset: () => void;
}

const PREFIX = '/_sim';

export function appView(app: SimApp) {
  return { ...app };
}

export function userView(user: SimUser) {
  return {
    id: user.id,
    username: user.username,
    password: user.password,
    fullName: user.fullName,
    email: user.email,
    divisions: user.divisions,
    currentDivision: user.divisions[0] ?? null,
    blocked: user.blocked,
    licenseExpired: user.licenseExpired,
  };
}

function clockView(clock: SimClock) {
  const now = clock.now();
  return { now, iso: new Date(now).toISOString(), frozen: clock.frozen };
}

function tokenMatches(expected: string, header: string | undefined): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * `BlockingStatus` shown for a division blocked through the control API. Which of Exact's
 * states 1–6 (backup/restore, conversion, copy) comes with `Reason: DivisionBlocked` is
 * UNCONFIRMED; the simulator shows 1 (backup/restore).
 */
const BLOCKED_DIVISION_STATUS = 1;

const notFound = (method: string, path: string): Reply =>
  jsonReply(404, {
    error: {
      code: 'not_found',
      message: `No control endpoint ${method} ${path}. See the exact-sim README for the /_sim API.`,
    },
  });

export function createControlHandler(deps: ControlDeps): (request: SimRequest) => Promise<Reply> {
  const { clock, directory, faults, stats } = deps;

  const divisionView = (info: DivisionInfo) => ({ ...info, blocked: directory.isDivisionBlocked(info.code) });

  function knownDivisions(codes: number[], field: string): void {
    const unknown = codes.filter((code) => !deps.dataPlane().getDivision(code));
    if (unknown.length > 0) {
      throw new ControlInputError(
        `"${field}" names division ${unknown.join(', ')}, which does not exist; create it with POST /_sim/divisions first.`,
      );
    }
  }

  function user(username: string): SimUser {
    const found = directory.user(decodeURIComponent(username));
    if (!found) throw new ControlInputError(`No user named ${username}.`, 404);
    return found;
  }

  function division(codeText: string): DivisionInfo {
    const found = /^\d+$/.test(codeText) ? deps.dataPlane().getDivision(Number(codeText)) : undefined;
    if (!found) throw new ControlInputError(`No division ${codeText}.`, 404);
    return found;
  }

  const routes: Record<string, (request: SimRequest, param: string) => Reply> = {
    'GET /info': (request) =>
      jsonReply(200, {
        url: request.baseUrl,
        clock: clockView(clock),
        apps: directory.apps().map(appView),
        users: directory.users().map(userView),
        divisions: deps.dataPlane().listDivisions().map(divisionView),
        settings: { ...deps.settings, controlToken: undefined },
      }),

    'POST /apps': (request) => {
      const body = parseJsonObject(request.body);
      onlyKeys(body, [
        'name',
        'redirectUri',
        'clientId',
        'clientSecret',
        'webhookSecret',
        'minutelyLimit',
        'dailyLimit',
      ]);
      const redirectUri = requiredString(body, 'redirectUri');
      if (!URL.canParse(redirectUri))
        throw new ControlInputError(`"redirectUri" must be an absolute URL, got ${redirectUri}.`);
      const generated = newAppCredentials();
      const app: SimApp = {
        name: requiredString(body, 'name'),
        redirectUri,
        clientId: optionalString(body, 'clientId') ?? generated.clientId,
        clientSecret: optionalString(body, 'clientSecret') ?? generated.clientSecret,
        webhookSecret: optionalString(body, 'webhookSecret') ?? generated.webhookSecret,
      };
      const minutelyLimit = optionalInteger(body, 'minutelyLimit', 1);
      const dailyLimit = optionalInteger(body, 'dailyLimit', 1);
      if (minutelyLimit !== undefined) app.minutelyLimit = minutelyLimit;
      if (dailyLimit !== undefined) app.dailyLimit = dailyLimit;
      return jsonReply(201, appView(directory.addApp(app)));
    },

    'POST /users': (request) => {
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['username', 'password', 'fullName', 'divisions']);
      const divisions = optionalIntegerList(body, 'divisions');
      if (!divisions || divisions.length === 0) {
        throw new ControlInputError(
          '"divisions" is required: a non-empty array of division codes the user may access.',
        );
      }
      knownDivisions(divisions, 'divisions');
      const fullName = optionalString(body, 'fullName');
      const created = directory.addUser({
        username: requiredString(body, 'username'),
        password: requiredString(body, 'password'),
        divisions,
        ...(fullName === undefined ? {} : { fullName }),
      });
      return jsonReply(201, userView(created));
    },

    'PATCH /users/:': (request, username) => {
      const target = user(username);
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['password', 'fullName', 'divisions', 'blocked', 'licenseExpired']);
      const divisions = optionalIntegerList(body, 'divisions');
      if (divisions) knownDivisions(divisions, 'divisions');
      target.password = optionalString(body, 'password') ?? target.password;
      target.fullName = optionalString(body, 'fullName') ?? target.fullName;
      if (divisions) target.divisions = [...new Set(divisions)];
      target.blocked = optionalBoolean(body, 'blocked') ?? target.blocked;
      target.licenseExpired = optionalBoolean(body, 'licenseExpired') ?? target.licenseExpired;
      return jsonReply(200, userView(target));
    },

    'POST /divisions': (request) => {
      const body = parseJsonObject(request.body);
      const users = optionalStringList(body, 'users') ?? [];
      const grantees = users.map(user);
      const { users: _ignored, ...specInput } = body;
      let spec: DivisionSpec;
      try {
        spec = checkDivisionSpec(specInput, 'body');
      } catch (error) {
        if (error instanceof SettingsError) {
          throw new ControlInputError(`${error.message} (the body also accepts "users": [username, …]).`);
        }
        throw error;
      }
      if (spec.code !== undefined && deps.dataPlane().getDivision(spec.code)) {
        throw new ControlInputError(`Division ${spec.code} already exists.`, 409);
      }
      const info = deps.createDivision(spec);
      for (const grantee of grantees)
        if (!grantee.divisions.includes(info.code)) grantee.divisions.push(info.code);
      return jsonReply(201, divisionView(info));
    },

    'PATCH /divisions/:': (request, code) => {
      const info = division(code);
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['blocked']);
      const blocked = optionalBoolean(body, 'blocked');
      if (blocked === undefined) throw new ControlInputError('"blocked" (true or false) is required.');
      directory.setDivisionBlocked(info.code, blocked);
      deps.dataPlane().setDivisionBlocking(info.code, blocked ? BLOCKED_DIVISION_STATUS : 0);
      return jsonReply(200, divisionView(division(code)));
    },

    'GET /clock': () => jsonReply(200, clockView(clock)),

    'POST /clock': (request) => {
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['advanceMs', 'setMs', 'set']);
      const given = ['advanceMs', 'setMs', 'set'].filter((key) => body[key] !== undefined);
      if (given.length !== 1) {
        throw new ControlInputError(
          'Send exactly one of {"advanceMs": n}, {"setMs": epochMs} or {"set": "ISO date-time"}.',
        );
      }
      try {
        if (body.advanceMs !== undefined) clock.advance(requiredInteger(body, 'advanceMs', 0));
        else if (body.setMs !== undefined) clock.set(requiredInteger(body, 'setMs', 0));
        else {
          const iso = requiredString(body, 'set');
          const ms = Date.parse(iso);
          if (Number.isNaN(ms))
            throw new ControlInputError(`"set" must be an ISO date-time, got ${JSON.stringify(iso)}.`);
          clock.set(ms);
        }
      } catch (error) {
        if (error instanceof ClockError) throw new ControlInputError(error.message);
        throw error;
      }
      return jsonReply(200, clockView(clock));
    },

    'POST /mutations': (request) => {
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['division', 'entity', 'creates', 'updates', 'deletes']);
      const code = requiredInteger(body, 'division', 1);
      knownDivisions([code], 'division');
      const mutation = {
        division: code,
        entity: requiredString(body, 'entity'),
        creates: optionalInteger(body, 'creates', 0, 100_000) ?? 0,
        updates: optionalInteger(body, 'updates', 0, 100_000) ?? 0,
        deletes: optionalInteger(body, 'deletes', 0, 100_000) ?? 0,
      };
      return jsonReply(200, deps.dataPlane().mutate(mutation));
    },

    'GET /faults': () => jsonReply(200, faults.current),

    'POST /faults': (request) => {
      const body = parseJsonObject(request.body);
      onlyKeys(body, ['latencyMs', 'errorRate', 'status', 'dropTokenResponse', 'revokeRefreshTokens']);
      const patch: Partial<FaultSettings> = {};
      const latencyMs = optionalInteger(body, 'latencyMs', 0, 600_000);
      if (latencyMs !== undefined) patch.latencyMs = latencyMs;
      if (body.errorRate !== undefined) {
        if (typeof body.errorRate !== 'number' || !(body.errorRate >= 0 && body.errorRate <= 1)) {
          throw new ControlInputError(
            '"errorRate" must be a number from 0 to 1 (the share of API calls to fail).',
          );
        }
        patch.errorRate = body.errorRate;
      }
      const status = optionalInteger(body, 'status', 400, 599);
      if (status !== undefined) patch.status = status;
      if (body.dropTokenResponse !== undefined) patch.dropTokenResponse = dropSetting(body);
      const revoke = optionalBoolean(body, 'revokeRefreshTokens');
      const revokedRefreshTokens = revoke ? deps.tokens.revokeRefreshTokens() : 0;
      return jsonReply(200, { ...faults.update(patch), revokedRefreshTokens });
    },

    'DELETE /faults': () => {
      faults.clear();
      return jsonReply(200, faults.current);
    },

    'GET /stats': () =>
      jsonReply(200, {
        ...stats.snapshot(),
        tokens: deps.tokens.counts(clock.now()),
        webhooksPending: deps.webhooks.pending,
      }),

    'GET /webhooks': () =>
      jsonReply(200, { pending: deps.webhooks.pending, deliveries: deps.webhooks.log() }),

    'POST /reset': () => {
      deps.reset();
      return jsonReply(200, { reset: true, clock: clockView(clock) });
    },
  };

  return async (request) => {
    if (
      deps.settings.controlToken !== undefined &&
      !tokenMatches(deps.settings.controlToken, request.headers.authorization)
    ) {
      return jsonReply(
        401,
        {
          error: {
            code: 'unauthorized',
            message: 'This simulator requires Authorization: Bearer <controlToken> on /_sim.',
          },
        },
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    const sub = request.path.slice(PREFIX.length) || '/';
    const slash = sub.indexOf('/', 1);
    const head = slash === -1 ? sub : sub.slice(0, slash);
    const param = slash === -1 ? '' : sub.slice(slash + 1);
    const route = routes[`${request.method} ${head}${param ? '/:' : ''}`];
    if (!route) return notFound(request.method, request.path);
    try {
      return route(request, param);
    } catch (error) {
      if (error instanceof ControlInputError) {
        return jsonReply(error.status, { error: { code: error.code, message: error.message } });
      }
      if (error instanceof DivisionSpecError) {
        return jsonReply(400, { error: { code: 'invalid_input', message: error.message } });
      }
      if (error instanceof DirectoryError) {
        return jsonReply(error.code === 'duplicate' ? 409 : 404, {
          error: { code: error.code, message: error.message },
        });
      }
      throw error;
    }
  };
}

function dropSetting(body: JsonObject): number | boolean {
  const value = body.dropTokenResponse;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new ControlInputError(
    '"dropTokenResponse" must be true, false or the number of token responses to lose.',
  );
}
