import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, loadSecretBox, SecretBox, SecretDecryptError } from '../src/secrets/secret-box.ts';

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('round-trips and produces a fresh ciphertext each time', () => {
    const box = new SecretBox(key);
    const a = box.seal('client-secret', 'exact_apps.client_secret:1');
    const b = box.seal('client-secret', 'exact_apps.client_secret:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^kb1\\.${box.currentKeyId}\\.`));
    expect(box.open(a, 'exact_apps.client_secret:1')).toBe('client-secret');
  });

  it('refuses a ciphertext moved to another record or tampered with, without revealing anything', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('client-secret', 'exact_apps.client_secret:1');
    expect(() => box.open(sealed, 'exact_apps.client_secret:2')).toThrow(SecretDecryptError);
    const [v, id, payload] = sealed.split('.');
    const bytes = Buffer.from(payload!, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    try {
      box.open(`${v}.${id}.${bytes.toString('base64url')}`, 'exact_apps.client_secret:1');
      expect.unreachable();
    } catch (error) {
      expect((error as SecretDecryptError).code).toBe('secret_decrypt_failed');
      expect((error as Error).message).not.toContain('client-secret');
    }
  });

  it('rotates: a new key opens old envelopes through the previous keys and flags them', () => {
    const oldBox = new SecretBox(key);
    const sealed = oldBox.seal('refresh-token', 'ctx');
    const newKey = randomBytes(32);
    const rotated = new SecretBox(newKey, [key]);
    expect(rotated.open(sealed, 'ctx')).toBe('refresh-token');
    expect(rotated.needsRotation(sealed)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('x', 'ctx'))).toBe(false);
    expect(() => new SecretBox(newKey).open(sealed, 'ctx')).toThrow(/KOPPEL_PREVIOUS_SECRET_KEYS/);
  });

  it('creates a 0600 key file in the data dir once and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-key-'));
    const first = loadSecretBox({ secretKey: undefined, previousSecretKeys: [], dataDir: dir }, false);
    const file = path.join(dir, KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const second = loadSecretBox({ secretKey: undefined, previousSecretKeys: [], dataDir: dir }, false);
    expect(second.box.currentKeyId).toBe(first.box.currentKeyId);
    expect(second.box.open(first.box.seal('s', 'c'), 'c')).toBe('s');
  });

  it('prefers KOPPEL_SECRET_KEY over a key file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'koppel-key-'));
    const { box, origin } = loadSecretBox(
      { secretKey: key.toString('base64'), previousSecretKeys: [], dataDir: dir },
      false,
    );
    expect(origin).toBe('KOPPEL_SECRET_KEY');
    expect(box.currentKeyId).toBe(new SecretBox(key).currentKeyId);
    expect(() => statSync(path.join(dir, KEY_FILE_NAME))).toThrow();
  });
});
