import { Writable } from 'node:stream';

/** pino's numeric levels. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_NUMBERS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};
const WARN = 40;
// Fields every line has, or that say nothing to a person at a terminal.
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'reqId']);

/** Whether a log line goes to a person at a terminal (pretty) or to a machine (JSON lines). */
export type LogFormat = 'auto' | 'pretty' | 'json';

/** `auto` is pretty on a terminal and JSON when stdout is a pipe or file (log collectors). */
export function resolveLogFormat(format: LogFormat, stdoutIsTty: boolean): 'pretty' | 'json' {
  return format === 'auto' ? (stdoutIsTty ? 'pretty' : 'json') : format;
}

/**
 * One pino JSON line as a short human line (`12:03:04 WARN message key=value`), or null when it
 * should not reach the terminal: below `level`, or a per-request line that is not a warning
 * (those are what a log collector wants, not a person watching `npm start`) unless debugging.
 */
export function prettyLine(json: string, level: string): string | null {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const value = typeof entry.level === 'number' ? entry.level : 30;
  const threshold = LEVEL_NUMBERS[level] ?? 30;
  if (value < threshold) return null;
  const perRequest = 'req' in entry || 'res' in entry;
  if (perRequest && value < WARN && threshold > 20) return null;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const extra = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, v]) => `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${(LEVEL_NAMES[value] ?? String(value)).padEnd(5)} ${String(entry.msg ?? '')}${extra ? `  ${extra}` : ''}`;
}

/** A pino destination that writes `prettyLine`s to `out`. */
export function prettyLogStream(out: NodeJS.WritableStream, level: string): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        const pretty = prettyLine(line, level);
        if (pretty !== null) out.write(`${pretty}\n`);
      }
      done();
    },
  });
}
