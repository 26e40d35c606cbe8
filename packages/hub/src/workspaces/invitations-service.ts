import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import { hashOpaqueToken, newOpaqueToken, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import { normalizeEmail } from '../storage/email-address.ts';
import type { Role } from '../storage/schema.ts';
import {
  type InvitationRow,
  type InvitationsRepository,
  invitationStatus,
} from './invitations-repository.ts';
import type { WorkspacesRepository } from './workspaces-repository.ts';
import type { Actor } from './workspaces-service.ts';

export interface InvitationsServiceDeps {
  invitations: InvitationsRepository;
  workspaces: WorkspacesRepository;
  clock: Clock;
  publicUrl: PublicUrl;
  /** How long a link stays valid (KOPPEL_INVITATION_TTL_HOURS). */
  ttlHours: number;
}

/** Single-use invitation links into a workspace with a role. */
export class InvitationsService {
  readonly #deps: InvitationsServiceDeps;

  constructor(deps: InvitationsServiceDeps) {
    this.#deps = deps;
  }

  /** Only owners invite owners; members are not invited twice. Returns the row, token and link (shown once). */
  async create(
    workspaceId: string,
    actor: Actor,
    input: { email: string; role: Role },
  ): Promise<{ row: InvitationRow; token: string; url: string }> {
    const { invitations, workspaces, clock, publicUrl, ttlHours } = this.#deps;
    if (input.role === 'owner' && actor.role !== 'owner') {
      throw new HubError('insufficient_role', 'Only owners can invite new owners.');
    }
    const email = normalizeEmail(input.email);
    if (await workspaces.hasMemberWithEmail(workspaceId, email)) {
      throw new HubError('already_member', 'This person is already a member of the workspace.');
    }
    const { token, hash } = newOpaqueToken(TOKEN_PREFIX.invitation);
    const row = await invitations.create({
      workspaceId,
      email,
      role: input.role,
      tokenHash: hash,
      invitedBy: actor.userId,
      expiresAt: new Date(clock.now().getTime() + ttlHours * 3600 * 1000),
    });
    // The token travels in the fragment, so it never reaches a server or proxy log.
    return { row, token, url: `${publicUrl.value}/invitations/accept#token=${token}` };
  }

  list(workspaceId: string): Promise<InvitationRow[]> {
    return this.#deps.invitations.listForWorkspace(workspaceId);
  }

  async revoke(workspaceId: string, invitationId: string): Promise<void> {
    const revoked = await this.#deps.invitations.revoke(workspaceId, invitationId, this.#deps.clock.now());
    if (!revoked)
      throw new HubError('invitation_not_found', 'No pending invitation with this id in the workspace.');
  }

  /** The pending invitation a token names; anything else is `invitation_invalid`. */
  async open(token: string): Promise<InvitationRow> {
    const row = await this.#deps.invitations.findByTokenHash(hashOpaqueToken(token));
    const status = row ? invitationStatus(row, this.#deps.clock.now()) : undefined;
    if (!row || status !== 'pending') {
      throw new HubError(
        'invitation_invalid',
        status
          ? `This invitation is ${status}; ask the workspace admin for a new one.`
          : 'No such invitation; check that the whole link was copied.',
      );
    }
    return row;
  }
}
