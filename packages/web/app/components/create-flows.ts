import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post } from '../api/client.ts';
import { flowKeys } from '../api/queries.ts';
import type { Flow, FlowPackage, NewFlowBody, Run } from '../api/types.ts';
import { type FlowDraft, flowInputOf } from './flow-draft.ts';

export interface NewFlow {
  pkg: FlowPackage;
  draft: FlowDraft;
}

/**
 * Creates the chosen flows on a connection. "Enable now" switches each on and starts its first
 * run at once; "Start manually" leaves them paused for the Flows page (ApiCenter's step 5).
 */
export function useCreateFlows(connectionId: string, workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ flows, enable }: { flows: NewFlow[]; enable: boolean }) => {
      const created: Flow[] = [];
      for (const { pkg, draft } of flows) {
        const body: NewFlowBody = { ...flowInputOf(draft), packageId: pkg.id, enabled: enable };
        const flow = await post<Flow>(`/connections/${connectionId}/flows`, body);
        if (enable) await post<Run>(`/flows/${flow.id}/run`);
        created.push(flow);
      }
      return created;
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: flowKeys.flows(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: flowKeys.connectionFlows(connectionId) }),
      ]),
  });
}
