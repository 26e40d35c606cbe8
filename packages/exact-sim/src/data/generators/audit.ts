import type { GenerationContext } from '../generation-context.ts';
import type { Rand } from '../random.ts';
import type { Row } from '../table.ts';

/** Audit columns of a generated record created `daysAgo` days before the anchor and modified since. */
export function generatedAudit(ctx: GenerationContext, r: Rand, daysAgo: number): Row {
  const created = ctx.day(daysAgo) + r.between(7 * 3600, 18 * 3600) * 1000 + r.int(1000);
  const modified = r.chance(0.5)
    ? created
    : Math.min(created + r.int(Math.max(daysAgo, 1)) * 86_400_000, ctx.anchor);
  return {
    Division: ctx.division,
    Created: created,
    Creator: ctx.ownerId,
    CreatorFullName: ctx.ownerName,
    Modified: modified,
    Modifier: ctx.ownerId,
    ModifierFullName: ctx.ownerName,
  };
}
