import { ExactInputError } from './errors.ts';

/** Exact Online deployments; each region is its own host for OAuth and API (facts §1.1). */
export const REGION_HOSTS = {
  nl: 'https://start.exactonline.nl',
  be: 'https://start.exactonline.be',
  de: 'https://start.exactonline.de',
  uk: 'https://start.exactonline.co.uk',
  us: 'https://start.exactonline.com',
  es: 'https://start.exactonline.es',
  fr: 'https://start.exactonline.fr',
} as const;

export type Region = keyof typeof REGION_HOSTS;

export function isRegion(value: string): value is Region {
  return Object.hasOwn(REGION_HOSTS, value);
}

/**
 * A region code (`nl`, `uk`, …) or any base URL (e.g. a running exact-sim) → the base URL
 * without trailing slash.
 */
export function resolveBaseUrl(regionOrUrl: Region | string): string {
  if (isRegion(regionOrUrl)) return REGION_HOSTS[regionOrUrl];
  let url: URL;
  try {
    url = new URL(regionOrUrl);
  } catch {
    throw new ExactInputError(
      `"${regionOrUrl}" is neither a region (${Object.keys(REGION_HOSTS).join(', ')}) nor a URL`,
      { value: regionOrUrl },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ExactInputError(`Base URL must be http(s), got ${url.protocol}`, { value: regionOrUrl });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
