import type { DestinationsService } from '../../../destinations/destinations-service.ts';
import { HubError } from '../../../errors/hub-error.ts';
import type { FlowRow, FlowRunRow } from '../../flows-repository.ts';
import { changeFeedPackage, feedStreamPrefix } from './change-feed-package.ts';
import { type DeadLetter, type DeliveryRecord, FeedOutbox } from './feed-outbox.ts';

/** The watcher's side of a change feed: the receiver's answers, the dead letters and their retry. */
export class ChangeFeedService {
  readonly #destinations: DestinationsService;
  readonly #requestRun: (flow: FlowRow) => Promise<FlowRunRow>;

  constructor(deps: {
    destinations: DestinationsService;
    requestRun: (flow: FlowRow) => Promise<FlowRunRow>;
  }) {
    this.#destinations = deps.destinations;
    this.#requestRun = deps.requestRun;
  }

  async #withOutbox<T>(flow: FlowRow, empty: T, work: (outbox: FeedOutbox) => Promise<T>): Promise<T> {
    if (flow.packageId !== changeFeedPackage.id) {
      throw HubError.of('wrong_package', { packageId: flow.packageId });
    }
    const settings = flow.settings as { schema?: string };
    const schema = settings.schema ?? changeFeedPackage.settings.shape.schema.parse(undefined);
    const destination = await this.#destinations.open(flow.workspaceId, flow.destinationId);
    try {
      const outbox = new FeedOutbox(destination.driver, schema);
      return (await outbox.exists()) ? await work(outbox) : empty;
    } finally {
      await destination.close();
    }
  }

  deliveries(flow: FlowRow, limit: number): Promise<DeliveryRecord[]> {
    return this.#withOutbox(flow, [], (outbox) => outbox.deliveries(feedStreamPrefix(flow.id), limit));
  }

  async deadLetters(
    flow: FlowRow,
    limit: number,
  ): Promise<{ pending: number; dead: number; events: DeadLetter[] }> {
    return this.#withOutbox(flow, { pending: 0, dead: 0, events: [] }, async (outbox) => ({
      ...(await outbox.backlog(feedStreamPrefix(flow.id))),
      events: await outbox.deadLetters(feedStreamPrefix(flow.id), limit),
    }));
  }

  /** Dead letters (all, or the given event ids) back in the outbox, and a run queued to send them. */
  async retry(
    flow: FlowRow,
    eventIds: string[] | null,
  ): Promise<{ requeued: number; run: FlowRunRow | null }> {
    const requeued = await this.#withOutbox(flow, 0, (outbox) =>
      outbox.retryDeadLetters(feedStreamPrefix(flow.id), eventIds),
    );
    return { requeued, run: requeued > 0 ? await this.#requestRun(flow) : null };
  }
}
