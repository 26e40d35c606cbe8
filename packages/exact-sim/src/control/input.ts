// Reading control-API JSON bodies with clear messages for every mistake.

export class ControlInputError extends Error {
  readonly code = 'invalid_input';
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'ControlInputError';
    this.status = status;
  }
}

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(body: Buffer, allowEmpty = false): JsonObject {
  const text = body.toString('utf8').trim();
  if (text === '') {
    if (allowEmpty) return {};
    throw new ControlInputError('Send a JSON object body with Content-Type: application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ControlInputError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ControlInputError('The body must be a JSON object.');
  }
  return value as JsonObject;
}

export function onlyKeys(body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new ControlInputError(`Unknown field "${key}"; allowed fields: ${allowed.join(', ')}.`);
    }
  }
}

export function optionalString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ControlInputError(`"${key}" must be a non-empty string.`);
  }
  return value;
}

export function requiredString(body: JsonObject, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined) throw new ControlInputError(`"${key}" is required (a non-empty string).`);
  return value;
}

export function optionalInteger(
  body: JsonObject,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ControlInputError(
      `"${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

export function requiredInteger(body: JsonObject, key: string, min: number, max?: number): number {
  const value = optionalInteger(body, key, min, max);
  if (value === undefined) throw new ControlInputError(`"${key}" is required (an integer).`);
  return value;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ControlInputError(`"${key}" must be true or false.`);
  return value;
}

export function optionalIntegerList(body: JsonObject, key: string): number[] | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) {
    throw new ControlInputError(`"${key}" must be an array of division codes (positive integers).`);
  }
  return value as number[];
}

export function optionalStringList(body: JsonObject, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ControlInputError(`"${key}" must be an array of non-empty strings.`);
  }
  return value as string[];
}
