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

function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  // A malformed id is left to schema validation, which answers 400.
  return typeof value === 'string' && UUID.test(value) ? value : undefined;
}

export function flowGuard(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  flows: FlowsRepository,
  role: Role,
): preValidationAsyncHookHandler {
  return async (request) => {
    const id = param(request, 'flowId');
    if (!id) return;
    const missing = new HubError(
      'flow_not_found',
      'No flow with this id, or you are not a member of its workspace.',
    );
    const flow = await flows.findById(id);
    if (!flow) throw missing;
    await requireRole(deps, request, flow.workspaceId, role, missing);
    guarded.set(request, { flow });
  };
}

export function runGuard(
  deps: Pick<ConnectionsDeps, 'workspaces'>,
  flows: FlowsRepository,
  role: Role,
): preValidationAsyncHookHandler {
  return async (request) => {
    const id = param(request, 'runId');
    if (!id) return;
    const missing = new HubError(
      'run_not_found',
      'No run with this id, or you are not a member of its workspace.',
    );
    const run = await flows.findRun(id);
    const flow = run ? await flows.findById(run.flowId) : undefined;
    if (!run || !flow) throw missing;
    await requireRole(deps, request, flow.workspaceId, role, missing);
    guarded.set(request, { flow, run });
  };
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
