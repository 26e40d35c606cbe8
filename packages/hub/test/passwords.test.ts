import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, BACKENDS, OWNER, signUpOwner, startTestHub, type TestHub } from './support/test-hub.ts';

describe.each(BACKENDS)('password strength and password changes on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;

  beforeAll(async () => {
    t = await startTestHub(backend);
    owner = (await signUpOwner(t.base)).client;
  });
  afterAll(() => t?.close());

  it.each([
    ['ten repeated letters', 'aaaaaaaaaa'],
    ['ten spaces', ' '.repeat(10)],
    ['the e-mail address plus a space', `${OWNER.email} `],
    ['a common password with digits', 'password1234'],
  ])('refuses %s with a message that says why', async (_name, newPassword) => {
    const response = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('weak_password');
    expect(response.body.error.message).toMatch(/too easy to guess/);
  });

  it('ends the other sessions on a password change but keeps API tokens', async () => {
    const laptop = new ApiClient(t.base);
    expect(
      (await laptop.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).status,
    ).toBe(200);
    const script = new ApiClient(t.base);
    script.bearer = (await owner.post('/api/v1/tokens', { name: 'nightly export' })).body.token;
    const changed = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'quiet-harbour-lantern-74',
    });
    expect(changed.status).toBe(204);
    expect((await owner.get('/api/v1/me')).status).toBe(200);
    expect((await laptop.get('/api/v1/me')).status).toBe(401);
    expect((await script.get('/api/v1/me')).status).toBe(200);
  });
});
