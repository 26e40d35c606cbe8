/**
 * Counts the calls a client makes to Exact's REST API (not its token endpoint), so each
 * stream can report what it cost. Wraps the fetch the client would use anyway.
 */
export class ApiCallCounter {
  #calls = 0;
  readonly fetch: typeof fetch;

  constructor(inner: typeof fetch = fetch) {
    this.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.includes('/api/v1/')) this.#calls++;
      return inner(input, init);
    };
  }

  get calls(): number {
    return this.#calls;
  }
}
