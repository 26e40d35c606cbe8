import { type City, cities, emailProviders, streets } from './dutch-vocabulary.ts';
import type { Rand } from './random.ts';

const POSTCODE_LETTERS = 'ABCDEFGHJKLMNPRSTVWXZ';

/** "1234 AB" within the city's range (never the combinations SA, SD and SS, which are not issued). */
export function postcode(r: Rand, city: City): string {
  const digits = r.between(city.postcodeFrom, city.postcodeTo) * 100 + r.between(0, 99);
  let letters = '';
  do {
    letters = POSTCODE_LETTERS.charAt(r.int(POSTCODE_LETTERS.length)) + POSTCODE_LETTERS.charAt(r.int(21));
  } while (letters === 'SA' || letters === 'SD' || letters === 'SS');
  return `${String(Math.max(digits, 1000))} ${letters}`;
}

export function streetAddress(r: Rand): string {
  const number = r.chance(0.7) ? r.between(1, 120) : r.between(121, 450);
  const addition = r.chance(0.12) ? r.pick(['a', 'b', 'A', '-1', ' bis', ' hs']) : '';
  return `${r.pick(streets)} ${number}${addition}`;
}

export function city(r: Rand): City {
  return r.pick(cities);
}

/** A landline number in one of the formats people actually type. */
export function landline(r: Rand, c: City): string {
  const area = c.areaCode;
  const sub = r.digits(9 - area.length);
  const head = sub.slice(0, 3);
  const tail = sub.slice(3);
  switch (r.int(6)) {
    case 0:
      return `0${area}-${sub}`;
    case 1:
      return `0${area} ${sub}`;
    case 2:
      return `+31 (0)${area} ${head} ${tail}`;
    case 3:
      return `0031${area}${sub}`;
    case 4:
      return `+31${area}${sub}`;
    default:
      return `(0${area}) ${head} ${tail}`;
  }
}

/** A mobile number (06) in one of the usual formats. */
export function mobile(r: Rand): string {
  const sub = `${r.between(1, 9)}${r.digits(7)}`;
  switch (r.int(5)) {
    case 0:
      return `06 ${sub}`;
    case 1:
      return `06-${sub}`;
    case 2:
      return `+31 6 ${sub.slice(0, 4)} ${sub.slice(4)}`;
    case 3:
      return `0031 6 ${sub}`;
    default:
      return `06${sub}`;
  }
}

/** Lower-case ASCII slug of a company name for domains: "Bakkerij De Vries B.V." → "bakkerijdevries". */
export function domainSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/b\.v\.|v\.o\.f\.|\bholding\b|& zn\./g, '')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}

export function privateEmail(r: Rand, first: string, last: string): string {
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return `${local}${r.chance(0.4) ? r.between(1, 99) : ''}@${r.pick(emailProviders)}`;
}

/** A Dutch VAT number: NL + 9 digits + B + 2 digits. */
export function vatNumber(r: Rand): string {
  return `NL${r.between(1, 9)}${r.digits(8)}B${r.chance(0.9) ? '01' : '02'}`;
}

/** An 8-digit Chamber of Commerce (KvK) number. */
export function kvkNumber(r: Rand): string {
  return `${r.between(1, 9)}${r.digits(7)}`;
}

/** Splits "Van der Meer" into the tussenvoegsel ("van der") and the last name ("Meer"). */
export function splitSurname(surname: string): { middle: string | null; last: string } {
  const match = /^((?:van|de|der|den|het|ter|ten)(?:\s+(?:van|de|der|den|het|ter|ten))*)\s+(.+)$/i.exec(
    surname,
  );
  if (!match) return { middle: null, last: surname };
  return { middle: (match[1] as string).toLowerCase(), last: match[2] as string };
}

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
