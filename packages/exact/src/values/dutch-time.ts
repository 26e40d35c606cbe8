// Exact encodes every Edm.DateTime as the Dutch wall-clock time written as if it were UTC.
// The Netherlands follow CET (UTC+1) with summer time (UTC+2). The switch instants are
// computed from the rules in force each year so that a million conversions cost no Intl call.

const HOUR = 3_600_000;

/** Epoch ms of the last Sunday of `month` (0-based) in `year`, at `hourUtc` UTC. */
function lastSunday(year: number, month: number, hourUtc: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, hourUtc);
}

interface SummerTime {
  start: number;
  end: number;
}

const cache = new Map<number, SummerTime | null>();

/**
 * Summer-time period of a year in UTC instants, or null when the Netherlands had none.
 * 1977–1980: first Sunday of April to last Sunday of September (01:00 UTC);
 * 1981–1995: last Sunday of March to last Sunday of September;
 * since 1996 (EU directive): last Sunday of March to last Sunday of October.
 */
function summerTime(year: number): SummerTime | null {
  const cached = cache.get(year);
  if (cached !== undefined) return cached;
  let period: SummerTime | null = null;
  if (year >= 1996) {
    period = { start: lastSunday(year, 2, 1), end: lastSunday(year, 9, 1) };
  } else if (year >= 1981) {
    period = { start: lastSunday(year, 2, 1), end: lastSunday(year, 8, 1) };
  } else if (year >= 1977) {
    const april1 = new Date(Date.UTC(year, 3, 1)).getUTCDay();
    const firstSunday = april1 === 0 ? 1 : 8 - april1;
    period = { start: Date.UTC(year, 3, firstSunday, 1), end: lastSunday(year, 8, 1) };
  }
  cache.set(year, period);
  return period;
}

/** Offset of Dutch time from UTC, in ms, at the UTC instant `utcMs`. */
export function dutchOffsetAt(utcMs: number): number {
  const period = summerTime(new Date(utcMs).getUTCFullYear());
  return period !== null && utcMs >= period.start && utcMs < period.end ? 2 * HOUR : HOUR;
}

/** UTC instant → Dutch wall-clock time encoded as if UTC. */
export function utcToDutchWall(utcMs: number): number {
  return utcMs + dutchOffsetAt(utcMs);
}

/**
 * Dutch wall-clock time (encoded as if UTC) → UTC instant. In the repeated autumn hour the
 * earlier (summer-time) instant is chosen; a wall time inside the skipped spring hour maps
 * to the instant one hour later on the wall clock, as clocks do.
 */
export function dutchWallToUtc(wallMs: number): number {
  const summer = wallMs - 2 * HOUR;
  if (dutchOffsetAt(summer) === 2 * HOUR) return summer;
  return wallMs - HOUR;
}
