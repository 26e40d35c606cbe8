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

const cache = new Map<number, SummerTime>();

/**
 * Summer-time period of a year in UTC instants (switches at 01:00 UTC):
 * 1981–1995 last Sunday of March to last Sunday of September; since 1996 (EU directive)
 * last Sunday of March to last Sunday of October. Earlier years are irregular and go
 * through the platform's tz database instead.
 */
function summerTime(year: number): SummerTime {
  const cached = cache.get(year);
  if (cached !== undefined) return cached;
  const endMonth = year >= 1996 ? 9 : 8;
  const period = { start: lastSunday(year, 2, 1), end: lastSunday(year, endMonth, 1) };
  cache.set(year, period);
  return period;
}

let historic: Intl.DateTimeFormat | undefined;

/** Offset before 1981 from the tz database (rare: only very old records). */
function historicOffset(utcMs: number): number {
  historic ??= new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', timeZoneName: 'longOffset' });
  const name =
    historic.formatToParts(new Date(utcMs)).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return HOUR;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -minutes : minutes) * 60_000;
}

/** Offset of Dutch time from UTC, in ms, at the UTC instant `utcMs`. */
// The year of the last conversion: rows of one page are mostly from the same year.
let lastYear = { from: 0, to: 0, period: { start: 0, end: 0 } };

export function dutchOffsetAt(utcMs: number): number {
  if (utcMs >= lastYear.from && utcMs < lastYear.to) {
    return utcMs >= lastYear.period.start && utcMs < lastYear.period.end ? 2 * HOUR : HOUR;
  }
  const year = new Date(utcMs).getUTCFullYear();
  if (year < 1981) return historicOffset(utcMs);
  const period = summerTime(year);
  lastYear = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), period };
  return utcMs >= period.start && utcMs < period.end ? 2 * HOUR : HOUR;
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
