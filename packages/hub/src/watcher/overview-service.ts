import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../clock.ts';
import { DAILY_RESERVE } from '../flows/flow-run-executor.ts';
import type {
  BudgetRow,
  ConnectionHealthRow,
  FlowGlanceRow,
  HourRow,
  OverviewRepository,
} from './overview-repository.ts';

const HOUR_MS = 3_600_000;

export interface DivisionBudget extends Omit<BudgetRow, 'resetAt'> {
  used: number;
  /** Calls kept for people: background runs stop when `remaining` reaches it. */
  reserve: number;
  /** When Exact resets the window; null once it has (the next call tells the new one). */
  resetAt: Date | null;
}

export interface Overview {
  at: Date;
  connections: ConnectionHealthRow[];
  flows: (FlowGlanceRow & { nextRunAt: Date | null })[];
  openErrors: number;
  budgets: DivisionBudget[];
  /** One entry per hour of the window, oldest first; hours without runs are zeros. */
  hourly: HourRow[];
}

function nextRunOf(flow: FlowGlanceRow, now: Date): Date | null {
  if (!flow.enabled) return null;
  try {
    return CronExpressionParser.parse(flow.schedule, { currentDate: now, tz: 'UTC' }).next().toDate();
  } catch {
    return null;
  }
}

/** A window that Exact has since reset counts as untouched: the whole limit remains. */
function budgetToday(row: BudgetRow, now: Date): DivisionBudget {
  const reset = row.resetAt <= now.getTime();
  const remaining = reset ? row.limit : row.remaining;
  const resetAt = reset ? null : new Date(row.resetAt);
  return { ...row, remaining, used: row.limit - remaining, reserve: DAILY_RESERVE, resetAt };
}

/** "Is everything working?" for one workspace: health, flows, errors, budget and recent traffic. */
export class OverviewService {
  readonly #repository: OverviewRepository;
  readonly #clock: Clock;

  constructor(deps: { repository: OverviewRepository; clock: Clock }) {
    this.#repository = deps.repository;
    this.#clock = deps.clock;
  }

  async overview(workspaceId: string, days: number): Promise<Overview> {
    const at = this.#clock.now();
    const firstHour = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS - (days * 24 - 1) * HOUR_MS;
    const [connections, flows, budgets, hours] = await Promise.all([
      this.#repository.connections(workspaceId),
      this.#repository.flows(workspaceId),
      this.#repository.budgets(workspaceId),
      this.#repository.hourly(workspaceId, new Date(firstHour)),
    ]);
    const byHour = new Map(hours.map((row) => [row.hour.getTime(), row]));
    const hourly = Array.from({ length: days * 24 }, (_, i) => {
      const hour = firstHour + i * HOUR_MS;
      return byHour.get(hour) ?? { hour: new Date(hour), rowsMoved: 0, apiCalls: 0 };
    });
    return {
      at,
      connections,
      flows: flows.map((flow) => ({ ...flow, nextRunAt: nextRunOf(flow, at) })),
      openErrors: flows.reduce((sum, flow) => sum + flow.openErrors, 0),
      budgets: budgets.map((row) => budgetToday(row, at)),
      hourly,
    };
  }
}
