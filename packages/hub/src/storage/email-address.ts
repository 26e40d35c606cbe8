/** E-mail addresses are stored lower-cased, so look-ups and uniqueness ignore case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
