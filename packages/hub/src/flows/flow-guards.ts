import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { requireRole } from '../connections/connection-guards.ts';
import type { ConnectionsDeps } from '../connections/connections-deps.ts';
import { HubError } from '../errors/hub-error.ts';
import type { Role } from '../storage/schema.ts';
import type { FlowRow, FlowRunRow, FlowsRepository } from './flows-repository.ts';

/**
 * Flows and runs have their own URLs (`/flows/:flowId`, `/runs/:runId`): their routes declare
 * `access.user` plus this guard, which loads the row and checks the role in its workspace the
 * way connections do (a non-member gets 404, a member below `role` 403).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guarded = new WeakMap<FastifyRequest, { flow: FlowRow; run?: FlowRunRow }>();

function idParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  // A malformed id is left to schema validation, which answers 400.
  return typeof value === 'string' && UUID.test(value) ? value : undefined;
}

/** Loads what `:param` names with `load`, then checks the caller's role in its flow's workspace. */
function guard(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  role: Role,
  param: string,
  missing: () => HubError,
  load: (id: string) => Promise<{ flow: FlowRow; run?: FlowRunRow } | undefined>,
): preValidationAsyncHookHandler {
  return async (request) => {
    const id = idParam(request, param);
    if (!id) return;
    const found = await load(id);
    if (!found) throw missing();
    await requireRole(deps, request, found.flow.workspaceId, role, missing());
    guarded.set(request, found);
  };
}

export function flowGuard(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  flows: FlowsRepository,
  role: Role,
): preValidationAsyncHookHandler {
  return guard(
    deps,
    role,
    'flowId',
    () => new HubError('flow_not_found'),
    async (id) => {
      const flow = await flows.findById(id);
      return flow ? { flow } : undefined;
    },
  );
}

export function runGuard(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  flows: FlowsRepository,
  role: Role,
): preValidationAsyncHookHandler {
  return guard(
    deps,
    role,
    'runId',
    () => new HubError('run_not_found'),
    async (id) => {
      const run = await flows.findRun(id);
      const flow = run ? await flows.findById(run.flowId) : undefined;
      return run && flow ? { flow, run } : undefined;
    },
  );
}

export function guardedFlow(request: FastifyRequest): FlowRow {
  const found = guarded.get(request)?.flow;
  if (!found) throw new HubError('internal_error', `route ${request.routeOptions.url} has no flowGuard`);
  return found;
}

export function guardedRun(request: FastifyRequest): FlowRunRow {
  const found = guarded.get(request)?.run;
  if (!found) throw new HubError('internal_error', `route ${request.routeOptions.url} has no runGuard`);
  return found;
}
