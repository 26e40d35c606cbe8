import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HubError } from '../errors/hub-error.ts';

const VERSION = 'kb1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE_NAME = 'secret.key';

/** Thrown when an envelope cannot be opened. Never carries the plaintext or the key. */
export class SecretDecryptError extends HubError {
  constructor(message: string) {
    super('secret_decrypt_failed', message);
  }
}

interface Key {
  id: string;
  bytes: Buffer;
}

/** A short public fingerprint of a key, written into every envelope so keys can rotate. */
export function keyId(keyBytes: Buffer): string {
  return createHash('sha256').update('koppel-secret-key-id:').update(keyBytes).digest('hex').slice(0, 12);
}

/**
 * AES-256-GCM encryption for secrets at rest. An envelope reads
 * `kb1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>`. `context` (e.g. `exact_apps.client_secret:<id>`)
 * is bound as additional authenticated data, so a ciphertext copied to another row or column
 * does not decrypt. Older keys stay usable for opening while rotating; sealing always uses
 * the current key.
 */
export class SecretBox {
  readonly #current: Key;
  readonly #keys: Map<string, Key>;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    if (currentKey.length !== 32)
      throw new HubError('invalid_secret_key', 'The secret key must be 32 bytes.');
    this.#current = { id: keyId(currentKey), bytes: currentKey };
    this.#keys = new Map([[this.#current.id, this.#current]]);
    for (const bytes of previousKeys) {
      if (bytes.length !== 32)
        throw new HubError('invalid_secret_key', 'Every previous secret key must be 32 bytes.');
      const id = keyId(bytes);
      if (!this.#keys.has(id)) this.#keys.set(id, { id, bytes });
    }
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.bytes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.#current.id}.${Buffer.concat([iv, body]).toString('base64url')}`;
  }

  open(envelope: string, context: string): string {
    const [version, id, payload, extra] = envelope.split('.');
    if (version !== VERSION || !id || !payload || extra !== undefined) {
      throw new SecretDecryptError(
        'Stored secret has an unknown format; it was not written by this version of Koppel.',
      );
    }
    const key = this.#keys.get(id);
    if (!key) {
      throw new SecretDecryptError(
        `Stored secret was encrypted with key ${id}, which is not configured. Add that key to KOPPEL_PREVIOUS_SECRET_KEYS (or restore KOPPEL_SECRET_KEY).`,
      );
    }
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptError('Stored secret is truncated.');
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretDecryptError(
        'Stored secret failed its integrity check: it was changed, moved to another record, or encrypted with a different key.',
      );
    }
  }

  /** Whether this box can open envelopes sealed under key `id`. */
  hasKey(id: string): boolean {
    return this.#keys.has(id);
  }

  /** True when the envelope was sealed with an older key and should be re-sealed. */
  needsRotation(envelope: string): boolean {
    return envelope.split('.')[1] !== this.#current.id;
  }
}

export interface SecretKeySource {
  secretKey?: string | undefined;
  previousSecretKeys: string[];
  dataDir: string;
}

/**
 * Builds the hub's SecretBox: from KOPPEL_SECRET_KEY when set; otherwise from a key file in the
 * data dir, created with mode 0600 on first start (the embedded default). With an in-memory data
 * dir and no key, the key lives only as long as the process.
 */
export function loadSecretBox(
  source: SecretKeySource,
  inMemory: boolean,
): { box: SecretBox; origin: string } {
  const previous = source.previousSecretKeys.map((k) => Buffer.from(k, 'base64'));
  if (source.secretKey) {
    return {
      box: new SecretBox(Buffer.from(source.secretKey, 'base64'), previous),
      origin: 'KOPPEL_SECRET_KEY',
    };
  }
  if (inMemory)
    return { box: new SecretBox(randomBytes(32), previous), origin: 'ephemeral (in-memory data dir)' };
  const file = path.join(source.dataDir, KEY_FILE_NAME);
  return { box: new SecretBox(readOrCreateKeyFile(file), previous), origin: file };
}

function readOrCreateKeyFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new HubError(
      'invalid_secret_key',
      `The key file ${file} does not hold a base64 32-byte key. Restore it from a backup; secrets encrypted under it cannot be read without it.`,
    );
  }
  return key;
}

/** The key file's permission bits, or undefined when there is none (for `koppel doctor`). */
export function keyFileMode(dataDir: string): number | undefined {
  try {
    return statSync(path.join(dataDir, KEY_FILE_NAME)).mode & 0o777;
  } catch {
    return undefined;
  }
}
