// SQL Server compares `uniqueidentifier` values byte group by byte group starting with the
// LAST group: bytes 10–15, then 8–9, then 6–7, 4–5 and 0–3, where the first three groups are
// stored little-endian (so their displayed byte pairs compare right to left).

/** A string whose plain ordering equals SQL Server's ordering of the GUID. */
export function sqlGuidSortKey(guid: string): string {
  const g = guid.toLowerCase();
  // aabbccdd-eeff-gghh-iijj-kkllmmnnoopp
  return (
    g.slice(24, 36) +
    g.slice(19, 23) +
    g.slice(16, 18) +
    g.slice(14, 16) +
    g.slice(11, 13) +
    g.slice(9, 11) +
    g.slice(6, 8) +
    g.slice(4, 6) +
    g.slice(2, 4) +
    g.slice(0, 2)
  );
}

export function compareSqlGuids(a: string, b: string): number {
  const ka = sqlGuidSortKey(a);
  const kb = sqlGuidSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
