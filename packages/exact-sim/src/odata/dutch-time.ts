// Exact Online reports every date as Dutch wall-clock time (Europe/Amsterdam) encoded as if it
// were UTC. Internally the simulator keeps DateTime values in that same "wall-clock ms" form so
// that filters, ordering and `/Date(ms)/` output need no conversion; only the simulated clock
// (true UTC) is converted, here, with the EU summer-time rules.

const HOUR = 3_600_000;

/** Epoch ms of the last Sunday of `month` (0-based) in `year` at 01:00 UTC, when EU clocks change. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const sunday = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month, sunday, 1, 0, 0);
}

const offsetCache = new Map<number, [number, number]>();

/**
 * Summer-time window of a year (switches at 01:00 UTC): 1981–1995 last Sunday of March to
 * last Sunday of September; since 1996 (EU directive) to the last Sunday of October. The
 * SDK's `values/dutch-time.ts` applies the same rules; a test compares the two.
 */
function summerWindow(year: number): [number, number] {
  let window = offsetCache.get(year);
  if (!window) {
    window = [lastSundayAt0100Utc(year, 2), lastSundayAt0100Utc(year, year >= 1996 ? 9 : 8)];
    offsetCache.set(year, window);
  }
  return window;
}

let historic: Intl.DateTimeFormat | undefined;

/** Offset before 1981 (irregular years) from the platform's tz database. */
function historicOffsetMs(utcMs: number): number {
  historic ??= new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', timeZoneName: 'longOffset' });
  const name =
    historic.formatToParts(new Date(utcMs)).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return HOUR;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -minutes : minutes) * 60_000;
}

/** Offset of Amsterdam time from UTC at the given instant, in ms. */
export function amsterdamOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  if (year < 1981) return historicOffsetMs(utcMs);
  const [start, end] = summerWindow(year);
  return utcMs >= start && utcMs < end ? 2 * HOUR : HOUR;
}

/** True UTC instant → Dutch wall-clock time encoded as if UTC (what Exact puts in `/Date(ms)/`). */
export function toWallClock(utcMs: number): number {
  return utcMs + amsterdamOffsetMs(utcMs);
}

/** Dutch wall-clock time (as-if-UTC ms) → the true UTC instant; ambiguous autumn hours resolve to summer time. */
export function fromWallClock(wallMs: number): number {
  const summer = wallMs - 2 * HOUR;
  if (amsterdamOffsetMs(summer) === 2 * HOUR) return summer;
  return wallMs - HOUR;
}

/** Midnight of the wall-clock day containing `wallMs`. */
export function startOfDay(wallMs: number): number {
  return wallMs - (((wallMs % 86_400_000) + 86_400_000) % 86_400_000);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2026-06-25T16:21:03` for a wall-clock value: the form of `Me.ServerTime`. */
export function formatLocalIso(wallMs: number): string {
  const d = new Date(wallMs);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())}`;
}

/**
 * The form Exact uses for a datetime in a `$skiptoken`: `2018-09-21T04:18:55.617`, fraction
 * with trailing zeros trimmed (and dropped when zero).
 */
export function formatSkipTokenDate(wallMs: number): string {
  const ms = ((wallMs % 1000) + 1000) % 1000;
  const base = formatLocalIso(wallMs);
  if (ms === 0) return base;
  return `${base}.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
}
