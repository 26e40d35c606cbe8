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
  /** The hub's SMTP sender: when configured, the link is e-mailed to the invitee too. */
  mail: InvitationMail;
}

/** What sending an invitation needs of the hub's e-mail (the SMTP sender in watcher/). */
export interface InvitationMail {
  readonly configured: boolean;
  send(to: string, subject: string, text: string): Promise<void>;
}

/** Whether the link went out by e-mail: `sent`, `failed` (with the SMTP server's answer), or `off` (no SMTP). */
export type InvitationEmail = { status: 'sent' | 'off'; error: null } | { status: 'failed'; error: string };

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
  ): Promise<{ row: InvitationRow; token: string; url: string; emailed: InvitationEmail }> {
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
    const url = `${publicUrl.value}/invitations/accept#token=${token}`;
    const workspace = await workspaces.findById(workspaceId);
    return { row, token, url, emailed: await this.#email(row, workspace?.name ?? 'a workspace', url) };
  }

  /**
   * E-mails the link when SMTP is configured. A refusal does not undo the invitation: the
   * admin still gets the link to pass on, and the SMTP server's answer says what to fix.
   */
  async #email(row: InvitationRow, workspaceName: string, url: string): Promise<InvitationEmail> {
    const { mail, ttlHours } = this.#deps;
    if (!mail.configured) return { status: 'off', error: null };
    const text = [
      `You are invited to join "${workspaceName}" on Koppel as ${row.role}.`,
      '',
      `Accept the invitation: ${url}`,
      '',
      `The link works once and expires in ${ttlHours} hours. If you did not expect this, ignore this e-mail.`,
    ].join('\n');
    try {
      await mail.send(row.email, `Invitation to ${workspaceName} on Koppel`, text);
      return { status: 'sent', error: null };
    } catch (error) {
      return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
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
