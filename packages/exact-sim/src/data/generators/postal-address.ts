import { postcode, streetAddress } from '../dutch-values.ts';
import { type City, countryNames } from '../dutch-vocabulary.ts';
import type { Rand } from '../random.ts';
import type { Row } from '../table.ts';

/** The address columns accounts and addresses share: a Dutch street address in city `c`. */
export function generatedPostalAddress(r: Rand, c: City): Row {
  return {
    AddressLine1: streetAddress(r),
    AddressLine2: null,
    AddressLine3: null,
    Postcode: postcode(r, c),
    City: c.name,
    State: null,
    Country: 'NL ',
    CountryName: countryNames.NL,
  };
}
