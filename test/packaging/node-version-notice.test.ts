import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/explain-node-version.js', import.meta.url));
const PINNED = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .devDependencies.node as string;

function noticeFor(userAgent: string): string {
  return execFileSync(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', npm_config_user_agent: userAgent },
    encoding: 'utf8',
  });
}

describe('the note after npm install about the Node that npm runs on', () => {
  it('explains the engine warnings once when npm runs on a Node older than 22.12', () => {
    for (const node of ['v20.20.2', 'v22.11.0', 'v18.20.8']) {
      const notice = noticeFor(`npm/11.19.1 node/${node} linux x64 workspaces/false`);
      expect(notice.match(/EBADENGINE/g)).toHaveLength(1);
      expect(notice).toContain(`npm ran on Node ${node}`);
      expect(notice).toContain(`Node ${PINNED} (the "node" devDependency)`);
    }
  });

  it('says nothing when npm runs on a Node the packages support, or when the agent is unknown', () => {
    expect(noticeFor('npm/11.19.1 node/v22.12.0 linux x64 workspaces/false')).toBe('');
    expect(noticeFor('npm/11.19.1 node/v24.21.0 linux x64 workspaces/false')).toBe('');
    expect(noticeFor('')).toBe('');
  });
});
