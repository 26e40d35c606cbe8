import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/** A field that could not be normalised, kept as sent and reported on the record. */
export interface RecordProblem {
  field: string;
  value: string;
  problem: string;
}

/**
 * A phone number in E.164 (`+31201234567`), read with the record's own country when it has
 * one Exact knows and `defaultCountry` otherwise. An unreadable number is returned as sent,
 * with the problem, never thrown: one bad number must not stop a replicator.
 */
export function toE164(
  field: string,
  raw: unknown,
  country: string | null,
  defaultCountry: CountryCode,
  problems: RecordProblem[],
): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const own = country?.trim().toUpperCase();
  const region = own && isSupportedCountry(own) ? own : defaultCountry;
  const parsed = parsePhoneNumberFromString(raw, region);
  if (parsed?.isValid()) return parsed.number;
  problems.push({
    field,
    value: raw,
    problem: parsed
      ? `not a valid ${parsed.country ?? region} number`
      : `not a phone number (read with country ${region})`,
  });
  return raw;
}

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}
