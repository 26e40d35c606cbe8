import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';
import {
  ApiClient,
  BACKENDS,
  LogCapture,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

describe.each(BACKENDS)('control characters in input on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestHub(backend);
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
  });
  afterAll(() => t?.close());

  it.each([
    [
      'a workspace name',
      (c: ApiClient) => c.post('/api/v1/workspaces', { name: 'Bakkerij\u0000Jansen' }),
      'name',
    ],
    [
      'a login e-mail',
      () =>
        new ApiClient(t.base).post('/api/v1/auth/login', { email: 'owner\u0000@example.nl', password: 'x' }),
      'email',
    ],
    [
      'a nested field',
      (c: ApiClient) =>
        c.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
          email: 'a@example.nl',
          role: 'viewer\u0007',
        }),
      'role',
    ],
    ['a query parameter', (c: ApiClient) => c.get(`/api/v1/workspaces/${workspaceId}/members?x=%00`), 'x'],
  ])('refuses %s with a 400 naming the field', async (_what, send, field) => {
    const response = await send(owner);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.message).toContain(field);
    expect(response.body.error.message).toMatch(/control character/);
  });

  it('keeps tabs and line breaks, and answers no 500 to any of it', async () => {
    const renamed = await owner.patch(`/api/v1/workspaces/${workspaceId}`, { name: 'Line\tone\r\nLine two' });
    expect(renamed.status).toBe(200);
    expect(t.logs.text).not.toMatch(/"level":50/);
  });

  it('logs a failed query without its parameters', async () => {
    const capture = new LogCapture();
    const logger = createLogger('info', capture);
    const error = await t.hub.services.platform.db
      .execute(sql`select 1 / (${`${OWNER.email}$argon2id$v=19$secret-param`}::text = '')::int`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    logger.error({ err: error }, 'unexpected error');
    expect(capture.text).toContain('unexpected error');
    expect(capture.text).not.toContain('secret-param');
  });
});
