// Exact's webhook body: {"Content":{…},"HashCode":"…"} where HashCode is the upper-case
// hex HMAC-SHA256 of the exact bytes of the Content JSON, keyed with the app's webhook
// secret (exact-online-api.md §6.3).
import { createHmac } from 'node:crypto';

export interface WebhookContent {
  Topic: string;
  ClientId: string;
  Division: number;
  Action: string;
  Key: string;
  ExactOnlineEndpoint: string;
  EventCreatedOn: string;
}

export function hashCode(contentJson: string, webhookSecret: string): string {
  return createHmac('sha256', webhookSecret).update(contentJson, 'utf8').digest('hex').toUpperCase();
}

/** The compact JSON body of one notification. */
export function signedNotification(content: WebhookContent, webhookSecret: string): string {
  const contentJson = JSON.stringify({
    Topic: content.Topic,
    ClientId: content.ClientId,
    Division: content.Division,
    Action: content.Action,
    Key: content.Key,
    ExactOnlineEndpoint: content.ExactOnlineEndpoint,
    EventCreatedOn: content.EventCreatedOn,
  });
  return `{"Content":${contentJson},"HashCode":"${hashCode(contentJson, webhookSecret)}"}`;
}
