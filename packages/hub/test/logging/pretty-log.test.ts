import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.ts';
import { prettyLine, prettyLogStream, resolveLogFormat } from '../../src/logging/pretty-log.ts';

/** Collects what would reach the terminal. */
function terminal(): { out: Writable; lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { out, lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the quiet terminal (issue 13 item 11)', () => {
  it('is pretty on a terminal and JSON lines for a pipe, unless asked otherwise', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('drops per-request info lines and keeps warnings and the hub’s own messages, secrets redacted', async () => {
    const { out, lines } = terminal();
    const logger = createLogger('info', prettyLogStream(out, 'info'));
    logger.info({ req: { method: 'GET', url: '/api/v1/me' } }, 'incoming request');
    logger.info({ res: { statusCode: 200 }, responseTime: 3 }, 'request completed');
    logger.info({ connectionId: 'c1', divisions: 2 }, 'connection authorized');
    logger.warn({ res: { statusCode: 503 }, token: 'sekrit' }, 'request failed slowly');
    logger.debug('noise');
    await flush();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}connection authorized {2}connectionId=c1 divisions=2$/);
    expect(lines[1]).toMatch(/WARN {2}request failed slowly/);
    expect(lines.join('\n')).not.toContain('sekrit');
    expect(lines.join('\n')).not.toContain('{"level"');
  });

  it('shows per-request lines when debugging, and passes non-JSON through untouched', () => {
    const request = JSON.stringify({
      level: 30,
      time: '2026-12-01T03:04:05.000Z',
      msg: 'incoming request',
      req: { url: '/x' },
    });
    expect(prettyLine(request, 'info')).toBeNull();
    expect(prettyLine(request, 'debug')).toBe('03:04:05 INFO  incoming request  req={"url":"/x"}');
    expect(prettyLine('plain text', 'info')).toBe('plain text');
  });
});
