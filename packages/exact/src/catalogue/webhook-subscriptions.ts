import { defineEntity } from './entity.ts';

/** Webhook subscriptions of the calling app. PUT is refused in practice (facts §6.1). */
export const webhookSubscriptions = defineEntity({
  name: 'WebhookSubscriptions',
  path: 'webhooks/WebhookSubscriptions',
  key: 'ID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'DELETE'],
  fields: {
    ID: 'Guid',
    CallbackURL: 'String',
    Topic: 'String',
    ClientID: 'Guid ro',
    Created: 'DateTime ro',
    Creator: 'Guid ro',
    CreatorFullName: 'String ro',
    Description: 'String ro',
    Division: 'Int32 ro',
  },
} as const);
