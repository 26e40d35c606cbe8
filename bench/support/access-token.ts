import { authorizationCode } from './authorization-code.ts';
import type { SimulatorAnnouncement } from './simulator-child.ts';

/** An access token for the simulator's default app, through the real OAuth code flow. */
export async function accessToken(
  info: SimulatorAnnouncement & { app: { clientSecret: string } },
): Promise<string> {
  const code = await authorizationCode(info);
  const token = await fetch(`${info.url}/api/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: info.app.redirectUri,
      client_id: info.app.clientId,
      client_secret: info.app.clientSecret,
    }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint answered ${token.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}
