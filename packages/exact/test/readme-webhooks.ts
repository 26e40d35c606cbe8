// The README's webhook example, type-checked by `tsc` (readme.test.ts keeps the two equal).
import { createServer } from 'node:http';
import {
  accounts,
  ExactClient,
  ExactWebhookError,
  isWebhookValidationRequest,
  MemoryTokenStore,
  verifyWebhook,
} from '@koppel/exact';

const exact = new ExactClient({
  region: 'nl',
  clientId: process.env.EXACT_CLIENT_ID!,
  clientSecret: process.env.EXACT_CLIENT_SECRET!,
  redirectUri: 'http://127.0.0.1:3000/oauth/exact/callback',
  tokenStore: new MemoryTokenStore(), // holding a pair from an earlier `connect(code)`
});
const webhookSecret = process.env.EXACT_WEBHOOK_SECRET!; // the app's, from Exact's App Center

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks); // the bytes exactly as received: the signature covers them
  if (isWebhookValidationRequest(rawBody)) return void res.writeHead(200).end(); // Exact testing the URL
  try {
    const note = verifyWebhook(rawBody, webhookSecret);
    res.writeHead(200).end(); // answer at once; fetch the record afterwards
    if (note.action !== 'Delete') {
      const account = await exact.division(note.division).get(accounts, note.key);
      console.log(note.action, account.Name);
    }
  } catch (error) {
    if (!(error instanceof ExactWebhookError)) throw error;
    res.writeHead(401).end(); // forged, or signed with another app's secret
  }
}).listen(8080);

const d = exact.division(123456);
await d.subscribe('Accounts', 'https://example.com/exact/webhook'); // Exact posts changes there
