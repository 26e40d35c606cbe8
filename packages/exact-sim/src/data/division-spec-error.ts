/** A division spec or mutation request the data plane cannot honour (bad volume, duplicate code, unknown entity). */
export class DivisionSpecError extends Error {
  readonly code = 'invalid_division_spec';

  constructor(message: string) {
    super(message);
    this.name = 'DivisionSpecError';
  }
}
