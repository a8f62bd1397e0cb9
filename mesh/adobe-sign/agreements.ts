import { randomInt } from 'node:crypto';
import { activeOrder, adobeDate, IN_FLIGHT, newId, type Member, type ParticipantSet, type SandboxAgreement, type SandboxState } from './state';

/** What the agreement logic asks of the rest of the sandbox. */
export interface AgreementEffects {
  now(): Date;
  /** A webhook notification (AGREEMENT_CREATED...) about the agreement, as it is now. */
  notify(agreement: SandboxAgreement, event: string, about?: Participation): void;
  log(line: string): void;
}

export interface Participation {
  participantEmail?: string;
  actingUserEmail?: string;
  actingUserIpAddress?: string;
  participantRole?: string;
  actionType?: string;
  comment?: string;
}

/** An action refused by the agreement's state, in Adobe's `{code, message}`. */
export class SandboxRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where a member's signing page is on the sandbox (stored as a path: the sandbox's port may change between runs). */
export const signingPath = (token: string) => `/sign/${token}`;

const ROLES = new Set(['SIGNER', 'APPROVER']);
const TIMER_LIMIT_MS = 2 ** 31 - 1;

interface ParticipantSetBody {
  memberInfos?: { email?: unknown; securityOption?: { authenticationMethod?: unknown; phoneInfo?: { countryCode?: unknown; phone?: unknown } } }[];
  order?: unknown;
  role?: unknown;
}

/**
 * The life of an agreement as Adobe runs it: sent to the participant sets in `order` (one order
 * after another, the sets of one order in parallel), each participant mailed a signing link when
 * it is their turn, PHONE authentication by a one-time code, signed when the last participant
 * signs, cancelled when one declines or the sender recalls it, expired at its `expirationTime`.
 * Every step is an audit event and a webhook notification.
 */
export class Agreements {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly state: SandboxState,
    private readonly effects: AgreementEffects,
  ) {
    for (const agreement of Object.values(state.data.agreements)) this.scheduleExpiry(agreement);
  }

  /** `POST /agreements`: the body checked as Adobe checks it, then sent. */
  create(body: Record<string, unknown>): SandboxAgreement {
    const sets = this.validate(body);
    const now = this.effects.now();
    const agreement: SandboxAgreement = {
      id: newId(),
      name: body.name as string,
      status: 'OUT_FOR_SIGNATURE',
      ...((body.externalId as { id?: string } | undefined)?.id ? { externalId: (body.externalId as { id: string }).id } : {}),
      ...(typeof body.message === 'string' ? { message: body.message } : {}),
      ...(typeof body.reminderFrequency === 'string' ? { reminderFrequency: body.reminderFrequency } : {}),
      ...(typeof body.expirationTime === 'string' ? { expirationTime: adobeDate(new Date(body.expirationTime)) } : {}),
      createdDate: adobeDate(now),
      signatureType: String(body.signatureType),
      transientDocumentId: (body.fileInfos as { transientDocumentId: string }[])[0]!.transientDocumentId,
      participantSets: sets,
      events: [],
    };
    this.state.data.agreements[agreement.id] = agreement;
    this.event(agreement, 'CREATED', `Document created (${sets.length} participant sets)`);
    this.effects.log(`agreement ${agreement.id} created: ${sets.length} participant sets`);
    this.effects.notify(agreement, 'AGREEMENT_CREATED');
    this.advance(agreement);
    this.scheduleExpiry(agreement);
    return agreement;
  }

  /** Sends the member a new one-time code by SMS (PHONE authentication). */
  sendCode(token: string): void {
    const { agreement, member } = this.turnOf(token);
    const phone = member.securityOption?.phoneInfo;
    if (member.securityOption?.authenticationMethod !== 'PHONE' || !phone) return;
    member.phoneCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.message(agreement, 'sms', `${phone.countryCode ?? ''} ${phone.phone ?? ''}`.trim(), 'Adobe Acrobat Sign verification code', {
      text: `Your Adobe Acrobat Sign verification code for "${agreement.name}" is ${member.phoneCode}`,
      link: signingPath(token),
    });
    this.state.save();
  }

  sign(token: string, input: { ip?: string; code?: string }): SandboxAgreement {
    const { agreement, set, member } = this.turnOf(token);
    const phone = member.securityOption?.authenticationMethod === 'PHONE';
    if (phone && (!member.phoneCode || input.code?.trim() !== member.phoneCode)) {
      throw new SandboxRefusal(403, 'INVALID_VERIFICATION_CODE', 'The verification code is not the one sent by SMS');
    }
    member.status = 'COMPLETED';
    delete member.phoneCode;
    const verb = set.role === 'APPROVER' ? 'approved' : 'e-signed';
    const how = phone ? ` (phone authenticated)` : '';
    this.event(agreement, 'ACTION_COMPLETED', `Document ${verb} by ${member.email}${how}`, {
      actingUserEmail: member.email,
      participantEmail: member.email,
      participantRole: set.role,
      ...(input.ip ? { actingUserIpAddress: input.ip } : {}),
    });
    const about = {
      participantEmail: member.email,
      actingUserEmail: member.email,
      participantRole: set.role,
      actionType: set.role === 'APPROVER' ? 'APPROVED' : 'ESIGNED',
    };
    this.effects.notify(agreement, 'AGREEMENT_ACTION_COMPLETED', { ...about, ...(input.ip ? { actingUserIpAddress: input.ip } : {}) });
    this.advance(agreement);
    return agreement;
  }

  decline(token: string, input: { reason: string; ip?: string }): SandboxAgreement {
    const { agreement, set, member } = this.turnOf(token);
    member.status = 'REJECTED';
    this.finish(agreement, 'CANCELLED');
    const about = { actingUserEmail: member.email, participantEmail: member.email, participantRole: set.role, comment: input.reason };
    this.event(agreement, 'REJECTED', `Document declined by ${member.email}`, { ...about, ...(input.ip ? { actingUserIpAddress: input.ip } : {}) });
    this.effects.notify(agreement, 'AGREEMENT_REJECTED', { ...about, actionType: 'REJECTED' });
    return agreement;
  }

  /** `PUT /agreements/{id}/state` CANCELLED: only while out for signature. */
  recall(agreement: SandboxAgreement, info: { comment?: string; notifyOthers?: boolean }): void {
    if (!IN_FLIGHT(agreement.status)) {
      throw new SandboxRefusal(400, 'INVALID_STATE', `The agreement is ${agreement.status}: it cannot be cancelled`);
    }
    this.finish(agreement, 'CANCELLED');
    this.event(agreement, 'RECALLED', 'Document cancelled by the sender', info.comment ? { comment: info.comment } : {});
    if (info.notifyOthers) {
      for (const member of agreement.participantSets.flatMap((s) => s.members)) {
        this.message(agreement, 'email', member.email, `Cancelled: ${agreement.name}`, { text: info.comment ?? 'The sender cancelled this agreement.' });
      }
    }
    this.effects.notify(agreement, 'AGREEMENT_RECALLED', info.comment ? { comment: info.comment } : {});
  }

  /** At its expiration time, an agreement still out for signature expires. */
  expire(agreement: SandboxAgreement): void {
    if (!IN_FLIGHT(agreement.status)) return;
    this.finish(agreement, 'EXPIRED');
    this.event(agreement, 'EXPIRED', 'Document expired');
    this.effects.log(`agreement ${agreement.id} expired`);
    this.effects.notify(agreement, 'AGREEMENT_EXPIRED');
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** The member of a signing link, when it is their turn; otherwise why not. */
  turnOf(token: string): { agreement: SandboxAgreement; set: ParticipantSet; member: Member } {
    const found = this.state.byToken(token);
    if (!found) throw new SandboxRefusal(404, 'INVALID_SIGNING_LINK', 'This signing link is not known');
    const { agreement, set, member } = found;
    if (!IN_FLIGHT(agreement.status)) throw new SandboxRefusal(409, 'AGREEMENT_NOT_OUT_FOR_SIGNATURE', `The agreement is ${agreement.status}`);
    if (member.status === 'COMPLETED') throw new SandboxRefusal(409, 'ALREADY_ACTED', 'You have already acted on this agreement');
    if (set.order !== activeOrder(agreement)) throw new SandboxRefusal(409, 'NOT_YOUR_TURN', 'It is not your turn yet');
    return found;
  }

  /** After a step: the next sets are mailed their links, or the agreement is signed. */
  private advance(agreement: SandboxAgreement): void {
    const order = activeOrder(agreement);
    if (order === undefined) {
      this.finish(agreement, 'SIGNED');
      this.effects.log(`agreement ${agreement.id} signed`);
      this.effects.notify(agreement, 'AGREEMENT_WORKFLOW_COMPLETED');
      return;
    }
    const current = agreement.participantSets.filter((s) => s.order === order);
    agreement.status = current.some((s) => s.role === 'SIGNER') ? 'OUT_FOR_SIGNATURE' : 'OUT_FOR_APPROVAL';
    for (const set of current) {
      for (const member of set.members) {
        if (member.status !== 'NOT_YET_VISIBLE') continue;
        member.status = set.role === 'APPROVER' ? 'WAITING_FOR_MY_APPROVAL' : 'WAITING_FOR_MY_SIGNATURE';
        const link = signingPath(member.token);
        this.event(
          agreement,
          set.role === 'APPROVER' ? 'APPROVAL_REQUESTED' : 'SIGNATURE_REQUESTED',
          `Document emailed to ${member.email} for ${set.role.toLowerCase()}`,
          {
            participantEmail: member.email,
            participantRole: set.role,
          },
        );
        this.message(agreement, 'email', member.email, `Please sign: ${agreement.name}`, {
          text: `${agreement.message ? `${agreement.message}\n` : ''}Review and sign the document at the link below.`,
          link,
        });
      }
    }
    this.state.save();
  }

  private finish(agreement: SandboxAgreement, status: string): void {
    agreement.status = status;
    clearTimeout(this.timers.get(agreement.id));
    this.timers.delete(agreement.id);
    this.state.save();
  }

  private event(agreement: SandboxAgreement, type: string, description: string, fields: Partial<SandboxAgreement['events'][number]> = {}): void {
    agreement.events.push({ id: newId('EV'), type, date: adobeDate(this.effects.now()), description, ...fields });
    this.state.save();
  }

  private message(agreement: SandboxAgreement, channel: 'email' | 'sms', to: string, subject: string, body: { text: string; link?: string }): void {
    this.state.data.messages.push({ id: newId('MSG'), at: this.effects.now().toISOString(), channel, to, subject, agreementId: agreement.id, ...body });
  }

  private scheduleExpiry(agreement: SandboxAgreement): void {
    if (!agreement.expirationTime || !IN_FLIGHT(agreement.status)) return;
    const wait = Date.parse(agreement.expirationTime) - this.effects.now().getTime();
    clearTimeout(this.timers.get(agreement.id));
    const timer = setTimeout(
      () => (wait > TIMER_LIMIT_MS ? this.scheduleExpiry(agreement) : this.expire(agreement)),
      Math.max(0, Math.min(wait, TIMER_LIMIT_MS)),
    );
    timer.unref();
    this.timers.set(agreement.id, timer);
  }

  private validate(body: Record<string, unknown>): ParticipantSet[] {
    const missing = (name: string) => new SandboxRefusal(400, 'MISSING_REQUIRED_PARAM', `Required parameter ${name} is missing`);
    const invalid = (message: string) => new SandboxRefusal(400, 'INVALID_ARGUMENTS', message);
    if (typeof body.name !== 'string' || !body.name) throw missing('name');
    if (body.signatureType !== 'ESIGN') throw missing('signatureType');
    if (body.state !== 'IN_PROCESS') throw invalid('state must be IN_PROCESS (this sandbox sends agreements at once)');
    const files = body.fileInfos as { transientDocumentId?: string }[] | undefined;
    if (!Array.isArray(files) || files.length !== 1) throw missing('fileInfos');
    if (!files[0]?.transientDocumentId || !this.state.data.transientDocuments[files[0].transientDocumentId]) {
      throw new SandboxRefusal(404, 'INVALID_TRANSIENT_DOCUMENT_ID', 'The transient document id is invalid');
    }
    if (body.expirationTime !== undefined && (typeof body.expirationTime !== 'string' || Number.isNaN(Date.parse(body.expirationTime)))) {
      throw invalid('expirationTime is invalid');
    }
    const sets = body.participantSetsInfo as ParticipantSetBody[] | undefined;
    if (!Array.isArray(sets) || sets.length === 0) throw missing('participantSetsInfo');
    const result = sets.map((set): ParticipantSet => {
      if (!Array.isArray(set.memberInfos) || set.memberInfos.length === 0) throw missing('memberInfos');
      if (typeof set.order !== 'number' || !Number.isInteger(set.order) || set.order < 1) throw invalid('order must be a positive integer');
      if (!ROLES.has(String(set.role))) throw invalid('role is invalid');
      const members = set.memberInfos.map((m): Member => {
        if (typeof m.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(m.email)) throw invalid('email is invalid');
        const option = m.securityOption;
        if (option && option.authenticationMethod !== 'PHONE' && option.authenticationMethod !== 'NONE') throw invalid('authenticationMethod is invalid');
        if (option?.authenticationMethod === 'PHONE' && (typeof option.phoneInfo?.phone !== 'string' || typeof option.phoneInfo.countryCode !== 'string')) {
          throw missing('phoneInfo');
        }
        const securityOption =
          option?.authenticationMethod === 'PHONE'
            ? { authenticationMethod: 'PHONE', phoneInfo: { countryCode: String(option.phoneInfo?.countryCode), phone: String(option.phoneInfo?.phone) } }
            : undefined;
        return { id: newId('PM'), email: m.email, status: 'NOT_YET_VISIBLE', token: newId('').toLowerCase(), ...(securityOption ? { securityOption } : {}) };
      });
      return { id: newId('PS'), order: set.order, role: String(set.role), members };
    });
    const orders = [...new Set(result.map((s) => s.order))].sort((a, b) => a - b);
    if (orders.some((order, i) => order !== i + 1)) throw invalid('participant set orders must run 1, 2, 3... without gaps');
    return result;
  }
}
