import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../scripts/generate-api-types.ts';

describe("the dashboard's API types", () => {
  it('match the hub OpenAPI document (run `npm run generate:api-types -w packages/web` if not)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed === (await generateApiTypes()), 'app/api/openapi.d.ts is out of date').toBe(true);
  });

  it('include every error code of the catalogue', () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toMatch(
      /ErrorCode: "invalid_request" \| .*"workspace_not_found"/,
    );
  });
});
