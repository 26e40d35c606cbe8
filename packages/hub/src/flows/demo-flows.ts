import type { ConnectionsDeps } from '../connections/connections-deps.ts';
import { DEMO_CONNECTION_NAME } from '../connections/demo-sandbox.ts';
import type { FlowsService } from './flows-service.ts';
import { replicatePackage } from './packages/replicate/replicate-package.ts';

/**
 * Demo mode only: the sandbox connection of every workspace gets a "Replicate to database"
 * flow into the hub's own database, so after authorizing and linking divisions a newcomer
 * presses Run now (or waits for the schedule). Idempotent; returns how many flows it added.
 */
export async function ensureDemoFlows(flows: FlowsService, deps: ConnectionsDeps): Promise<number> {
  let added = 0;
  for (const workspaceId of await deps.workspaces.listIds()) {
    for (const connection of await deps.exact.connections.list(workspaceId)) {
      if (connection.name !== DEMO_CONNECTION_NAME) continue;
      if ((await flows.listByConnection(connection.id)).length > 0) continue;
      await flows.create(connection, { packageId: replicatePackage.id });
      added++;
    }
  }
  return added;
}
