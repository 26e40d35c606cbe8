// Counters shown by GET /_sim/stats: API calls per client, division and endpoint, 429s,
// token endpoint calls and webhook deliveries.

type Counter = Record<string, number>;

const bump = (counter: Counter, key: string, by = 1): void => {
  counter[key] = (counter[key] ?? 0) + by;
};

export interface StatsSnapshot {
  api: {
    calls: number;
    byClient: Counter;
    byDivision: Counter;
    byEndpoint: Counter;
    byStatus: Counter;
    rateLimited: number;
    rateLimitedByClient: Counter;
  };
  token: { calls: number; byClient: Counter; byGrantType: Counter; failures: Counter; dropped: number };
  authorize: { codesIssued: number; denied: number; failedLogins: number };
  webhooks: {
    validations: number;
    validationFailures: number;
    deliveries: number;
    delivered: number;
    failedAttempts: number;
    abandoned: number;
    byClient: Counter;
  };
  faults: { injectedErrors: number };
}

function empty(): StatsSnapshot {
  return {
    api: {
      calls: 0,
      byClient: {},
      byDivision: {},
      byEndpoint: {},
      byStatus: {},
      rateLimited: 0,
      rateLimitedByClient: {},
    },
    token: { calls: 0, byClient: {}, byGrantType: {}, failures: {}, dropped: 0 },
    authorize: { codesIssued: 0, denied: 0, failedLogins: 0 },
    webhooks: {
      validations: 0,
      validationFailures: 0,
      deliveries: 0,
      delivered: 0,
      failedAttempts: 0,
      abandoned: 0,
      byClient: {},
    },
    faults: { injectedErrors: 0 },
  };
}

/** `crm/Accounts(guid'…')/BankAccounts` → `crm/Accounts/BankAccounts`: one bucket per endpoint, not per record. */
export function endpointOf(resource: string): string {
  return resource.replace(/\([^)]*\)/g, '');
}

export class SimStats {
  #s = empty();

  apiCall(input: {
    clientId: string;
    division: number;
    method: string;
    resource: string;
    status: number;
  }): void {
    const api = this.#s.api;
    api.calls += 1;
    bump(api.byClient, input.clientId);
    bump(api.byDivision, String(input.division));
    bump(api.byEndpoint, `${input.method} ${endpointOf(input.resource)}`);
    bump(api.byStatus, String(input.status));
  }

  rateLimited(clientId: string): void {
    this.#s.api.rateLimited += 1;
    bump(this.#s.api.rateLimitedByClient, clientId);
  }

  tokenCall(clientId: string, grantType: string): void {
    this.#s.token.calls += 1;
    bump(this.#s.token.byClient, clientId);
    bump(this.#s.token.byGrantType, grantType);
  }

  tokenFailure(kind: string): void {
    bump(this.#s.token.failures, kind);
  }

  tokenDropped(): void {
    this.#s.token.dropped += 1;
  }

  codeIssued(): void {
    this.#s.authorize.codesIssued += 1;
  }

  consentDenied(): void {
    this.#s.authorize.denied += 1;
  }

  failedLogin(): void {
    this.#s.authorize.failedLogins += 1;
  }

  webhookValidation(ok: boolean): void {
    this.#s.webhooks.validations += 1;
    if (!ok) this.#s.webhooks.validationFailures += 1;
  }

  webhookAttempt(clientId: string, ok: boolean, finalAttempt: boolean): void {
    const w = this.#s.webhooks;
    w.deliveries += 1;
    bump(w.byClient, clientId);
    if (ok) w.delivered += 1;
    else {
      w.failedAttempts += 1;
      if (finalAttempt) w.abandoned += 1;
    }
  }

  injectedError(): void {
    this.#s.faults.injectedErrors += 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.#s);
  }

  reset(): void {
    this.#s = empty();
  }
}
