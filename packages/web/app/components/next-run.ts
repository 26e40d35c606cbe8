import { CronExpressionParser } from 'cron-parser';

/** When a flow's five-field UTC cron next fires after `from`; undefined when it does not parse. */
export function nextRunOf(cron: string, from: Date = new Date()): Date | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return undefined;
  try {
    return CronExpressionParser.parse(cron, { currentDate: from, tz: 'UTC' }).next().toDate();
  } catch {
    return undefined;
  }
}
