// One truth, checked: every entity of the SDK's catalogue against the simulator's, field by
// field (name, order, Edm type, key, read-only, padding), and a live read of each through the
// SDK whose raw values must have the types the SDK's catalogue promises.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsByPath } from '../../exact-sim/src/catalogue/endpoints.ts';
import { catalogueSource } from '../../exact-sim/src/catalogue/generated-catalogue.ts';
import { type EntityDef, fieldsOf, type ParsedField } from '../src/catalogue/entity.ts';
import { catalogueIndex, type DivisionClient, type ExactClient, loadEntity, RAW } from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

const entities: EntityDef[] = [];
let t: TestSim;
let exact: ExactClient;
/** Every URL the SDK asked for. */
const requested: string[] = [];
let d: DivisionClient;

beforeAll(async () => {
  for (const entry of catalogueIndex) entities.push((await loadEntity(entry.path)) as EntityDef);
  t = await startTestSim({ rateLimits: { minutely: 100_000, daily: 1_000_000 } });
  exact = await t.connectedClient({
    fetch: (input, init) => {
      requested.push(String(input));
      return fetch(input, init);
    },
  });
  d = exact.division(t.sim.defaults.divisions[0] as number);
});
afterAll(() => t.close());

/** The SDK's view of a field in the simulator's vocabulary. */
function asSim(field: ParsedField) {
  return {
    name: field.name,
    type: field.type === 'Nav' ? 'nav' : `Edm.${field.type}`,
    readOnly: field.readOnly,
    padded: field.padded,
    accountCode: field.accountCode,
  };
}

function simFields(path: string) {
  const endpoint = endpointsByPath.get(path.toLowerCase());
  if (!endpoint) throw new Error(`exact-sim does not serve ${path}`);
  return endpoint.entity.fields.map((field) => ({
    name: field.name,
    type: field.type,
    readOnly: field.readOnly === true,
    padded: field.pad !== undefined,
    accountCode: field.pad?.width === 18 && field.pad.align === 'right',
  }));
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a raw value against the SDK field's Edm type; returns a complaint or null. */
function wrongValue(field: ParsedField, value: unknown): string | null {
  if (value === null) return null;
  const ok = (() => {
    switch (field.type) {
      case 'Guid':
        return typeof value === 'string' && GUID.test(value);
      case 'Int64':
        return typeof value === 'string' && /^-?\d+$/.test(value);
      case 'DateTime':
        return typeof value === 'string' && /^\/Date\(-?\d+\)\/$/.test(value);
      case 'Boolean':
        return typeof value === 'boolean';
      case 'String':
      case 'Binary':
        return typeof value === 'string' && (!field.accountCode || value.length === 18);
      case 'Nav':
        return typeof value === 'object';
      default:
        return typeof value === 'number';
    }
  })();
  return ok ? null : `${field.name} (${field.type}) = ${JSON.stringify(value)}`;
}

describe('the SDK catalogue and exact-sim', () => {
  it('cover every endpoint of the reference, plus the twins and extras the layer adds', () => {
    expect(entities).toHaveLength(catalogueIndex.length);
    expect(entities.length).toBeGreaterThanOrEqual(366);
    for (const entity of entities)
      expect(endpointsByPath.has(entity.path.toLowerCase()), entity.path).toBe(true);
  });

  it('have the same fields, field by field, for every entity and its sync and bulk twins', () => {
    const mismatches: string[] = [];
    const compare = (path: string, expected: ReturnType<typeof asSim>[]) => {
      const actual = simFields(path);
      const width = Math.max(expected.length, actual.length);
      for (let i = 0; i < width; i++) {
        const a = JSON.stringify(expected[i]);
        const b = JSON.stringify(actual[i]);
        if (a !== b) mismatches.push(`${path} #${i}: SDK ${a} / sim ${b}`);
      }
    };
    for (const entity of entities) {
      const fields = [...fieldsOf(entity).values()];
      compare(entity.path, fields.map(asSim));
      const scalars = fields.filter((f) => f.type !== 'Nav').map(asSim);
      if (entity.syncPath && entity.syncPath !== entity.path) {
        const timestamp = {
          name: 'Timestamp',
          type: 'Edm.Int64',
          readOnly: false,
          padded: false,
          accountCode: false,
        };
        const expected = [timestamp, ...scalars];
        const served = simFields(entity.syncPath);
        // A listed twin may add columns of its own after its standard endpoint's.
        compare(entity.syncPath, [...expected, ...served.slice(expected.length)]);
      }
      if (entity.bulkPath && entity.bulkPath !== entity.path) {
        const expected = fields.map(asSim);
        compare(entity.bulkPath, [...expected, ...simFields(entity.bulkPath).slice(expected.length)]);
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('answers a read of every entity with the SDK default $select, values typed as catalogued', async () => {
    const problems: string[] = [];
    for (const entity of entities) {
      if (!entity.methods.includes('GET')) continue;
      let raw: Record<string, unknown> | undefined;
      if (!entity.divisionScoped) {
        if (entity.path !== 'current/Me') continue;
        raw = (await exact.me())[RAW];
      } else if (entity.path.startsWith('sync/') && entity.path !== 'sync/Deleted') {
        const page = await d.sync(entity).next();
        raw = page.done ? undefined : page.value.rows[0]?.[RAW];
      } else {
        raw = (await d.query(entity).top(1).all())[0]?.[RAW];
      }
      if (raw === undefined) {
        // Nothing deleted and nobody subscribed yet: these two start empty.
        if (entity.path !== 'sync/Deleted' && entity.path !== 'webhooks/WebhookSubscriptions') {
          problems.push(`${entity.path}: no rows`);
        }
        continue;
      }
      const fields = fieldsOf(entity);
      for (const [name, value] of Object.entries(raw)) {
        if (name === '__metadata' || name === 'Timestamp') continue;
        const field = fields.get(name);
        if (!field) problems.push(`${entity.path}: unexpected ${name}`);
        else {
          const wrong = wrongValue(field, value);
          if (wrong) problems.push(`${entity.path}: ${wrong}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // Beta endpoints are asked for under /api/v1/beta/{division}/ (facts §3.1).
    const beta = entities.filter((entity) => entity.beta === true);
    expect(beta.length).toBeGreaterThan(10);
    for (const entity of beta) {
      expect(
        requested.some((url) => url.includes(`/api/v1/beta/${d.division}/${entity.path}?`)),
        entity.path,
      ).toBe(true);
    }
    expect(requested.some((url) => url.includes(`/api/v1/beta/${d.division}/crm/Accounts`))).toBe(false);
  });

  it('record where the field lists come from, in the generated files', () => {
    const metadata = JSON.parse(
      readFileSync(new URL('../../../../shared/exact-metadata/endpoints.json', import.meta.url), 'utf8'),
    ) as { source: string };
    expect(catalogueSource).toBe(metadata.source);
    const module = readFileSync(
      new URL('../src/catalogue/generated/crm-accounts.ts', import.meta.url),
      'utf8',
    );
    expect(module).toContain(metadata.source);
    expect(module).toContain('catalogue-layer.ts');
  });
});
