/** `sync/Deleted` `EntityType` codes (PICQER 2025 list) for the entities the simulator has. */
export const deletedEntityType = {
  TransactionLines: 1,
  Accounts: 2,
  Addresses: 3,
  Contacts: 5,
  GLAccounts: 7,
  Items: 9,
  SalesOrders: 12,
  SalesInvoices: 13,
  SalesOrderHeaders: 32,
  SalesOrderLines: 33,
} as const;
