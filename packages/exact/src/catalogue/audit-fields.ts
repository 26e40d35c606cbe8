/** Audit columns every main Exact entity carries (facts §9 preamble). */
export const auditFields = {
  Division: 'Int32 ro',
  Created: 'DateTime ro',
  Creator: 'Guid ro',
  CreatorFullName: 'String ro',
  Modified: 'DateTime ro',
  Modifier: 'Guid ro',
  ModifierFullName: 'String ro',
} as const;
