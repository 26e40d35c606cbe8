import type { Region } from '@koppel/exact';

/** Exact's top-level domain per region: deep links open the card on the user's own host. */
const REGION_TLDS: Record<Region, string> = {
  nl: 'nl',
  be: 'be',
  de: 'de',
  uk: 'co.uk',
  us: 'com',
  es: 'es',
  fr: 'fr',
};

/** Exact's entity cards; `%7b…%7d` are the braces Exact puts around the GUID. */
export const DEFAULT_ACCOUNT_LINK =
  'https://start.exactonline.{tld}/docs/CRMAccountCard.aspx?AccountID=%7b{ID}%7d&_Division_={Division}';
export const DEFAULT_CONTACT_LINK =
  'https://start.exactonline.{tld}/docs/CRMContactCard.aspx?ContactID=%7b{ID}%7d&_Division_={Division}';

/** The placeholders a link template may use. */
export const LINK_PLACEHOLDERS = ['tld', 'ID', 'Division', 'Code'] as const;

/** Fills `{tld}`, `{ID}`, `{Division}` and `{Code}` (URL-encoded) in a link template. */
export function deepLink(
  template: string,
  values: { region: Region; id: string; division: number; code?: string | null },
): string {
  const fill: Record<(typeof LINK_PLACEHOLDERS)[number], string> = {
    tld: REGION_TLDS[values.region],
    ID: values.id,
    Division: String(values.division),
    Code: values.code?.trim() ?? '',
  };
  return template.replace(/\{(tld|ID|Division|Code)\}/g, (_match, name: keyof typeof fill) =>
    encodeURIComponent(fill[name]),
  );
}
