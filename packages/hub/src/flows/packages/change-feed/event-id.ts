import { createHash } from 'node:crypto';

/**
 * Stable per record version: the same change read twice (a resync, a retried run) has one id,
 * so a receiver drops repeats of at-least-once delivery by it.
 */
export function eventId(
  division: number,
  entity: string,
  key: string,
  version: string,
  deleted: boolean,
): string {
  const digest = createHash('sha256')
    .update(`${division}/${entity}/${key}/${version}/${deleted ? 'deleted' : 'row'}`)
    .digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
