import type { ApiCaller, ApiResponse, ChangeEvent, DataPlane } from '../../src/contract.ts';
import type { DataPlaneBehaviour } from '../../src/rest/behaviour.ts';
import { createDataPlane } from '../../src/rest/data-plane.ts';

export const BASE = 'http://127.0.0.1:5080';
/** 2026-06-25 14:21:03 UTC = 16:21:03 in Amsterdam (summer time). */
export const NOW = Date.UTC(2026, 5, 25, 14, 21, 3);

export const caller: ApiCaller = {
  userId: '0f0e0d0c-0b0a-4908-8706-050403020100',
  username: 'jan.devries',
  fullName: 'Jan de Vries',
  email: 'jan@bakkerijdevries.nl',
  divisions: [7, 8],
  scopedDivisions: [7, 8],
  clientId: 'c1c1c1c1-0000-4000-8000-000000000001',
};

export interface Harness {
  dp: DataPlane;
  events: ChangeEvent[];
  clock: { now(): number; set(ms: number): void };
  validated: string[];
  get(resource: string, query?: string, division?: number | null): Promise<ApiResponse>;
  send(
    method: string,
    resource: string,
    body?: unknown,
    headers?: Record<string, string>,
    who?: ApiCaller,
  ): Promise<ApiResponse>;
  /** GET and parse `d`. */
  d(resource: string, query?: string, division?: number | null): Promise<Record<string, unknown>>;
}

export function harness(
  options: {
    behaviour?: Partial<DataPlaneBehaviour>;
    volumes?: Record<string, number>;
    rejectCallbacks?: string;
  } = {},
): Harness {
  let now = NOW;
  const clock = { now: () => now, set: (ms: number) => (now = ms) };
  const validated: string[] = [];
  const dp = createDataPlane({
    seed: 1234,
    clock,
    behaviour: options.behaviour,
    validateWebhookCallback: async (url) => {
      validated.push(url);
      if (options.rejectCallbacks) throw new Error(options.rejectCallbacks);
    },
  });
  dp.createDivision({ code: 7, description: 'Bakkerij De Vries B.V.', volumes: options.volumes });
  dp.createDivision({ code: 8, description: 'De Vries Holding B.V.', volumes: { transactionLines: 50 } });
  const events: ChangeEvent[] = [];
  dp.onChange((event) => events.push(event));
  const request = (
    method: string,
    resource: string,
    rawQuery: string,
    body: string,
    headers: Record<string, string>,
    division: number | null,
    who: ApiCaller,
  ) =>
    dp.handle({
      method,
      division,
      resource,
      rawQuery,
      headers,
      body: Buffer.from(body),
      baseUrl: BASE,
      caller: who,
    });
  const h: Harness = {
    dp,
    events,
    clock,
    validated,
    get: (resource, query = '', division = 7) => request('GET', resource, query, '', {}, division, caller),
    send: (method, resource, body, headers = {}, who = caller) =>
      request(
        method,
        resource,
        '',
        body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
        { 'content-type': 'application/json', ...headers },
        7,
        who,
      ),
    d: async (resource, query = '', division = 7) => {
      const response = await h.get(resource, query, division);
      if (response.status !== 200) throw new Error(`${response.status} ${String(response.body)}`);
      return (JSON.parse(String(response.body)) as { d: Record<string, unknown> }).d;
    },
  };
  return h;
}

export function json(response: ApiResponse): Record<string, unknown> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

export function errorMessage(response: ApiResponse): string {
  return (json(response) as { error: { message: { value: string } } }).error.message.value;
}

export type Rows = Record<string, unknown>[];

/** The rows of a collection `d`, in either envelope: `{"results":[…]}` or the bare array. */
export function results(d: Record<string, unknown> | unknown[]): Rows {
  return (Array.isArray(d) ? d : d.results) as Rows;
}

/** Rows of a collection answer in either envelope: `d.results` or a bare `d` array. */
export function rowsOf(d: unknown): Rows {
  return (Array.isArray(d) ? d : (d as { results: Rows }).results) as Rows;
}
