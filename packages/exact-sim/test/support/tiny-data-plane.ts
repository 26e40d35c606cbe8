// A deliberately small DataPlane for the control-plane suites while the real data plane
// (src/rest/data-plane.ts) is being written: divisions, current/Me, one entity
// (crm/Accounts) and webhook subscriptions, enough to drive every gate, limit and webhook rule.
import { randomUUID } from 'node:crypto';
import type {
  ApiRequest,
  ApiResponse,
  ChangeEvent,
  DataPlane,
  DataPlaneOptions,
  DivisionInfo,
  DivisionSpec,
  WebhookSubscriptionView,
} from '../../src/contract.ts';

const json = (status: number, value: unknown): ApiResponse => ({
  status,
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  body: JSON.stringify(value),
});

export function createTinyDataPlane(options: DataPlaneOptions): DataPlane {
  const divisions = new Map<number, DivisionInfo>();
  const accounts = new Map<number, Map<string, { ID: string; Name: string }>>();
  const subscriptions: WebhookSubscriptionView[] = [];
  const listeners: ((event: ChangeEvent) => void)[] = [];
  let nextCode = 200_001;

  const emit = (division: number, action: ChangeEvent['action'], key: string) => {
    const event: ChangeEvent = {
      division,
      entity: 'crm/Accounts',
      topic: 'Accounts',
      action,
      key,
      endpoint: `http://exact-sim.invalid/api/v1/${division}/crm/Accounts(guid'${key}')`,
      at: options.clock.now(),
    };
    for (const listener of listeners) listener(event);
  };

  return {
    createDivision(spec: DivisionSpec): DivisionInfo {
      const code = spec.code ?? nextCode++;
      const info: DivisionInfo = {
        code,
        description: spec.description,
        country: spec.country ?? 'NL',
        currency: 'EUR',
        hid: code,
        status: 1,
        blockingStatus: 0,
      };
      divisions.set(code, info);
      accounts.set(code, new Map());
      return info;
    },
    getDivision: (code) => divisions.get(code),
    listDivisions: () => [...divisions.values()],
    async handle(request: ApiRequest): Promise<ApiResponse> {
      const { resource, method, division, caller } = request;
      if (division === null) {
        return json(200, {
          d: { results: [{ UserID: caller.userId, CurrentDivision: caller.divisions[0] }] },
        });
      }
      const store = accounts.get(division)!;
      if (resource === 'crm/Accounts/$count') {
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(store.size) };
      }
      if (resource === 'crm/Accounts' && method === 'GET')
        return json(200, { d: { results: [...store.values()] } });
      if (resource === 'webhooks/WebhookSubscriptions' && method === 'POST') {
        const body = JSON.parse(request.body.toString('utf8')) as { CallbackURL: string; Topic: string };
        try {
          await options.validateWebhookCallback(body.CallbackURL);
        } catch (error) {
          return json(500, { error: { code: '', message: { lang: '', value: (error as Error).message } } });
        }
        const view = {
          id: randomUUID(),
          division,
          clientId: caller.clientId,
          topic: body.Topic,
          callbackUrl: body.CallbackURL,
        };
        subscriptions.push(view);
        return json(201, { d: { ID: view.id } });
      }
      return json(404, { error: { code: '', message: { lang: '', value: `Unknown resource ${resource}` } } });
    },
    mutate(request) {
      const store = accounts.get(request.division)!;
      if (request.entity !== 'crm/Accounts') throw new Error(`unknown entity ${request.entity}`);
      const created: string[] = [];
      for (let i = 0; i < (request.creates ?? 0); i++) {
        const id = randomUUID();
        store.set(id, { ID: id, Name: `Account ${store.size + 1}` });
        created.push(id);
        emit(request.division, 'Create', id);
      }
      const updated = [...store.keys()].slice(0, request.updates ?? 0);
      for (const id of updated) emit(request.division, 'Update', id);
      const deleted = [...store.keys()].slice(0, request.deletes ?? 0);
      for (const id of deleted) {
        store.delete(id);
        emit(request.division, 'Delete', id);
      }
      return { created, updated, deleted };
    },
    webhookSubscriptions: (division) => subscriptions.filter((s) => s.division === division),
    onChange: (listener) => {
      listeners.push(listener);
    },
    reset() {
      divisions.clear();
      accounts.clear();
      subscriptions.length = 0;
    },
  };
}
