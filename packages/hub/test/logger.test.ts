import { describe, expect, it } from 'vitest';
import { createLogger, describeDatabaseUrl, redactUrl } from '../src/logging/logger.ts';
import { LogCapture } from './support/test-hub.ts';

describe('logger', () => {
  it('censors credentials under conventional names, at any depth of one level', () => {
    const capture = new LogCapture();
    const logger = createLogger('info', capture);
    logger.info(
      {
        app: { clientSecret: 'cs-1', webhookSecret: 'ws-1', title: 'shown' },
        tokens: { accessToken: 'at-1', refreshToken: 'rt-1' },
        body: { password: 'pw-1' },
        req: { method: 'GET', url: '/oauth/exact/callback?code=oauth-code-1&state=st-1', headers: {} },
      },
      'event',
    );
    const line = capture.text;
    for (const secret of ['cs-1', 'ws-1', 'at-1', 'rt-1', 'pw-1', 'oauth-code-1', 'st-1'])
      expect(line).not.toContain(secret);
    expect(line).toContain('shown');
    expect(JSON.parse(line).req.url).toBe('/oauth/exact/callback?code=%5Bredacted%5D&state=%5Bredacted%5D');
  });

  it('redacts OAuth parameters in URLs and passwords in database URLs', () => {
    expect(redactUrl('/x?division=1&code=abc')).toBe('/x?division=1&code=%5Bredacted%5D');
    expect(redactUrl('/plain')).toBe('/plain');
    expect(describeDatabaseUrl('postgres://koppel:s3cret@db:5432/koppel')).toBe(
      'postgres://koppel:***@db:5432/koppel',
    );
  });
});
