/** The 16 fields (besides Timestamp) of a typical transaction-line sync, read by both benchmarks. */
export const TYPICAL_TRANSACTION_LINE_FIELDS = [
  'ID',
  'EntryID',
  'EntryNumber',
  'LineNumber',
  'Date',
  'FinancialYear',
  'FinancialPeriod',
  'JournalCode',
  'GLAccount',
  'GLAccountCode',
  'Account',
  'AccountName',
  'AmountDC',
  'VATCode',
  'Description',
  'Modified',
] as const;
