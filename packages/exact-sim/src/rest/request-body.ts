import type { EntityDef, FieldDef } from '../catalogue/types.ts';
import type { Row } from '../data/table.ts';
import { ApiError } from '../odata/api-error.ts';
import { startOfDay, toWallClock } from '../odata/dutch-time.ts';
import { parseWallClockDateTime } from '../odata/filter-parser.ts';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface ParsedBody {
  /** Writable fields in internal form (read-only ones dropped). */
  row: Row;
  /** Deep-insert collections by navigation name (each item still raw JSON). */
  navs: Map<string, unknown[]>;
}

function malformed(message: string): ApiError {
  return new ApiError(400, 'malformed_body', message);
}

function cannotConvert(field: FieldDef, value: unknown): ApiError {
  return malformed(
    `Cannot convert the value '${typeof value === 'string' ? value : JSON.stringify(value)}' to type '${field.type}' for property '${field.name}'.`,
  );
}

/** Reads the request body as JSON; an empty or broken body is a 400. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw malformed('The request body is empty: send the entity as JSON.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function toDateTime(field: FieldDef, value: unknown): number {
  if (typeof value !== 'string') throw cannotConvert(field, value);
  const ms = MS_DATE.exec(value);
  let wall: number | null;
  if (ms) wall = Number(ms[1]);
  else if (ISO_WITH_ZONE.test(value)) wall = toWallClock(Date.parse(value));
  else wall = parseWallClockDateTime(value);
  if (wall === null || Number.isNaN(wall)) throw cannotConvert(field, value);
  return field.dateOnly ? startOfDay(wall) : wall;
}

function toNumber(field: FieldDef, value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n)) throw cannotConvert(field, value);
  if (field.type !== 'Edm.Double' && !Number.isInteger(n)) throw cannotConvert(field, value);
  return n;
}

function padded(field: FieldDef, value: string): string {
  const pad = field.pad;
  if (!pad) return value;
  const trimmed = pad.align === 'right' ? value.trim() : value.trimEnd();
  if (trimmed.length > pad.width) {
    throw new ApiError(
      500,
      'validation',
      `Invalid value: ${field.name} is longer than ${pad.width} characters`,
    );
  }
  return pad.align === 'right' ? trimmed.padStart(pad.width, ' ') : trimmed.padEnd(pad.width, ' ');
}

/** Converts one JSON value to the internal form of `field`. */
export function coerceValue(field: FieldDef, value: unknown): unknown {
  if (value === null) return null;
  switch (field.type) {
    case 'Edm.Guid':
      if (typeof value !== 'string' || !GUID.test(value)) throw cannotConvert(field, value);
      return value.toLowerCase();
    case 'Edm.String':
      if (typeof value !== 'string') {
        if (typeof value === 'number' || typeof value === 'boolean') return padded(field, String(value));
        throw cannotConvert(field, value);
      }
      return padded(field, value);
    case 'Edm.Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannotConvert(field, value);
    case 'Edm.DateTime':
      return toDateTime(field, value);
    case 'nav':
      throw cannotConvert(field, value);
    default:
      return toNumber(field, value);
  }
}

/**
 * Maps a JSON entity onto the catalogue: unknown properties are refused (400), read-only
 * ones ignored, values converted; navigation collections are returned separately. With a
 * method, a property the reference does not allow for it (`OrderedBy` on PUT: set at
 * creation only) is ignored as a read-only one is.
 */
export function parseEntityBody(entity: EntityDef, json: unknown, method?: 'POST' | 'PUT'): ParsedBody {
  const letter = method === 'POST' ? 'P' : method === 'PUT' ? 'U' : null;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw malformed(`The request body must be a JSON object describing one ${entity.typeName}.`);
  }
  const fields = new Map(entity.fields.map((field) => [field.name, field]));
  const row: Row = {};
  const navs = new Map<string, unknown[]>();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata') continue;
    const field = fields.get(name);
    if (!field) {
      throw malformed(
        `The property '${name}' does not exist on type '${entity.typeName}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (field.type === 'nav') {
      if (value === null || field.readOnly) continue;
      const items = Array.isArray(value)
        ? value
        : typeof value === 'object' && Array.isArray((value as { results?: unknown }).results)
          ? ((value as { results: unknown[] }).results as unknown[])
          : null;
      if (!items)
        throw malformed(`Property '${name}' must be an array of ${field.nav?.entity ?? 'records'}.`);
      navs.set(name, items);
      continue;
    }
    if (field.readOnly) continue;
    if (letter && field.methods !== undefined && !field.methods.includes(letter)) continue;
    row[name] = coerceValue(field, value);
  }
  return { row, navs };
}
