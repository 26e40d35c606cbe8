/** Where Exact sends the user back after consent; registered in Exact's App Center. */
export const EXACT_CALLBACK_PATH = '/oauth/exact/callback';
export const EXACT_START_PATH = '/oauth/exact/start';

/** The redirect URI for a hub reachable on `publicUrl` (no trailing slash, see config). */
export function exactRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${EXACT_CALLBACK_PATH}`;
}
