import type { SimulatorAnnouncement } from './simulator-child.ts';

/**
 * Signs in on the simulator's authorize endpoint the way its login and consent forms post
 * and returns the authorization code (consent for `divisions`, or the form's default).
 */
export async function authorizationCode(
  sim: SimulatorAnnouncement,
  divisions?: readonly number[],
): Promise<string> {
  const form = new URLSearchParams({
    client_id: sim.app.clientId,
    redirect_uri: sim.app.redirectUri,
    response_type: 'code',
    state: 'bench',
    username: sim.user.username,
    password: sim.user.password,
  });
  for (const division of divisions ?? []) form.append('divisions', String(division));
  form.append('consent', 'allow');
  const response = await fetch(`${sim.url}/api/oauth2/auth`, {
    method: 'POST',
    redirect: 'manual',
    body: form,
  });
  const code = new URL(response.headers.get('location') ?? '', sim.url).searchParams.get('code');
  if (!code) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  return code;
}
