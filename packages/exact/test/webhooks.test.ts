import { createHmac } from 'node:crypto';
import { hashCode, signedNotification } from '@koppel/exact-sim';
import { describe, expect, it } from 'vitest';
import {
  ExactWebhookError,
  isWebhookValidationRequest,
  verifyWebhook,
  webhookHashCode,
} from '../src/index.ts';

const secret = 'w3bh00k-s3cret';
const content =
  '{"Topic":"Accounts","ClientId":"3a1b","Division":123456,"Action":"Update","Key":"5f0c","ExactOnlineEndpoint":"https://start.exactonline.nl/api/v1/123456/crm/Accounts(guid\'5f0c\')","EventCreatedOn":"2026-06-25T16:21:03","Name":"Café Zoë"}';

function body(hash: string, raw = content): Buffer {
  return Buffer.from(`{"Content":${raw},"HashCode":"${hash}"}`, 'utf8');
}

describe('webhook HashCode', () => {
  it('is the upper-case hex HMAC-SHA256 of the raw Content bytes', () => {
    const expected = createHmac('sha256', secret)
      .update(Buffer.from(content, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(webhookHashCode(content, secret)).toBe(expected);
    expect(expected).toMatch(/^[0-9A-F]{64}$/);
  });

  it('accepts an authentic notification and parses it', () => {
    const notification = verifyWebhook(body(webhookHashCode(Buffer.from(content), secret)), secret);
    expect(notification).toMatchObject({
      topic: 'Accounts',
      division: 123456,
      action: 'Update',
      key: '5f0c',
    });
    expect(notification.endpoint).toContain("crm/Accounts(guid'5f0c')");
  });

  it("accepts what exact-sim's independent signer produces", () => {
    const signed = signedNotification(
      {
        Topic: 'Items',
        ClientId: 'c1',
        Division: 7,
        Action: 'Delete',
        Key: 'k1',
        ExactOnlineEndpoint: 'https://start.exactonline.nl/api/v1/7/logistics/Items',
        EventCreatedOn: '2026-01-01T10:00:00',
      },
      secret,
    );
    expect(verifyWebhook(signed, secret)).toMatchObject({
      topic: 'Items',
      division: 7,
      action: 'Delete',
      key: 'k1',
    });
    expect(hashCode(content, secret)).toBe(webhookHashCode(content, secret));
  });

  it('rejects tampering, a wrong secret and lower-case hex', () => {
    const hash = webhookHashCode(content, secret);
    const fail = (fn: () => unknown, code: string) => {
      try {
        fn();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ExactWebhookError);
        expect((error as ExactWebhookError).code).toBe(code);
      }
    };
    fail(
      () => verifyWebhook(body(hash, content.replace('123456', '123457')), secret),
      'webhook_signature_invalid',
    );
    fail(() => verifyWebhook(body(hash), 'other'), 'webhook_signature_invalid');
    fail(() => verifyWebhook(body(hash.toLowerCase()), secret), 'webhook_signature_invalid');
    fail(
      () => verifyWebhook(JSON.stringify({ Content: JSON.parse(content), HashCode: hash }, null, 2), secret),
      'webhook_payload_invalid',
    );
  });

  it('recognises the empty validation POST', () => {
    expect(isWebhookValidationRequest(Buffer.alloc(0))).toBe(true);
    expect(isWebhookValidationRequest('{}')).toBe(false);
  });
});
