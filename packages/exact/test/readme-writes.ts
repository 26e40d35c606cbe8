// The README's writes example, type-checked by `tsc` (readme.test.ts keeps the two equal).
import { accounts, ExactApiError, ExactClient, MemoryTokenStore, salesInvoices } from '@koppel/exact';

const exact = new ExactClient({
  region: 'nl',
  clientId: process.env.EXACT_CLIENT_ID!,
  clientSecret: process.env.EXACT_CLIENT_SECRET!,
  redirectUri: 'http://127.0.0.1:3000/oauth/exact/callback',
  tokenStore: new MemoryTokenStore(), // holding a pair from an earlier `connect(code)`
});
const d = exact.division(123456);

const account = await d.create(accounts, { Name: 'Bakkerij de Vries', City: 'Utrecht' });
await d.update(accounts, account.ID!, { Phone: '+31 30 123 4567' }); // partial PUT
try {
  const invoice = await d.create(salesInvoices, {
    Type: 8020,
    Journal: '70',
    InvoiceTo: account.ID!,
    OrderedBy: account.ID!,
    SalesInvoiceLines: [{ Item: process.env.EXACT_ITEM_ID!, Quantity: 2 }], // deep insert
  });
  console.log('invoice', invoice.InvoiceNumber);
} catch (error) {
  // Exact's own message, e.g. a journal that does not exist in this division.
  if (error instanceof ExactApiError) console.error(error.status, error.message);
  else throw error;
}
await d.delete(accounts, account.ID!);
