import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the Adobe Sign sandbox knows, as plain JSON: agreements with their participants and audit
 * events, transient documents, the mail it "sent", registered webhooks and its own API
 * application's credentials. Kept in memory and written to one JSON file after every change
 * (`.data/mesh/adobe-sign.json` in the mesh), so a restart keeps agreements and signing links.
 */
export interface Credentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export type MemberStatus = 'NOT_YET_VISIBLE' | 'WAITING_FOR_MY_SIGNATURE' | 'WAITING_FOR_MY_APPROVAL' | 'COMPLETED' | 'REJECTED';

export interface Member {
  id: string;
  email: string;
  securityOption?: { authenticationMethod: string; phoneInfo?: { countryCode?: string; phone?: string } };
  status: MemberStatus;
  /** The secret part of the member's signing link (`/sign/{token}`). */
  token: string;
  /** The one-time code last "sent" by SMS, for PHONE authentication. */
  phoneCode?: string;
}

export interface ParticipantSet {
  id: string;
  order: number;
  role: string;
  members: Member[];
}

/** One audit event, in Adobe's v6 `AgreementEvent` words. */
export interface SandboxEvent {
  id: string;
  type: string;
  date: string;
  description: string;
  actingUserEmail?: string;
  participantEmail?: string;
  participantRole?: string;
  actingUserIpAddress?: string;
  comment?: string;
}

export interface SandboxAgreement {
  id: string;
  name: string;
  status: string;
  externalId?: string;
  message?: string;
  reminderFrequency?: string;
  expirationTime?: string;
  createdDate: string;
  signatureType: string;
  transientDocumentId: string;
  participantSets: ParticipantSet[];
  events: SandboxEvent[];
}

export interface TransientDocument {
  id: string;
  fileName: string;
  mimeType: string;
  /** The bytes, base64. */
  content: string;
  createdAt: string;
}

/** A message the sandbox "sent": an email with a signing link, or the SMS of a one-time code. */
export interface SandboxMessage {
  id: string;
  at: string;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
  agreementId: string;
  /** The signing page it is about, as a path on the sandbox (`/sign/{token}`); the control API answers it as a full URL. */
  link?: string;
}

export interface Webhook {
  id: string;
  name: string;
  scope: string;
  state: 'ACTIVE' | 'INACTIVE';
  resourceType?: string;
  resourceId?: string;
  url: string;
  events: string[];
  /** The API application that registered it: its id goes in X-AdobeSign-ClientId. */
  clientId: string;
  createdDate: string;
}

export interface SandboxData {
  credentials: Credentials;
  agreements: Record<string, SandboxAgreement>;
  transientDocuments: Record<string, TransientDocument>;
  messages: SandboxMessage[];
  webhooks: Webhook[];
}

const secret = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;

export class SandboxState {
  private constructor(
    readonly data: SandboxData,
    private readonly file: string | undefined,
  ) {}

  /** The state kept in `file` (none: memory only); credentials are made once, unless given. */
  static load(file: string | undefined, credentials?: Partial<Credentials>): SandboxState {
    const stored = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxData>) : {};
    const data: SandboxData = {
      credentials: {
        clientId: credentials?.clientId ?? stored.credentials?.clientId ?? `sandbox-${randomBytes(6).toString('hex')}`,
        clientSecret: credentials?.clientSecret ?? stored.credentials?.clientSecret ?? secret('secret'),
        refreshToken: credentials?.refreshToken ?? stored.credentials?.refreshToken ?? secret('refresh'),
      },
      agreements: stored.agreements ?? {},
      transientDocuments: stored.transientDocuments ?? {},
      messages: stored.messages ?? [],
      webhooks: stored.webhooks ?? [],
    };
    const state = new SandboxState(data, file);
    state.save();
    return state;
  }

  agreement(id: string): SandboxAgreement | undefined {
    return this.data.agreements[id];
  }

  /** The agreement and member a signing link's token opens. */
  byToken(token: string): { agreement: SandboxAgreement; set: ParticipantSet; member: Member } | undefined {
    for (const agreement of Object.values(this.data.agreements)) {
      for (const set of agreement.participantSets) {
        const member = set.members.find((m) => m.token === token);
        if (member) return { agreement, set, member };
      }
    }
    return undefined;
  }

  /** Written at once, through a temporary file, so a crash leaves the previous state whole. */
  save(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

export const newId = (prefix = 'CBJCHBCAABAA') => `${prefix}${randomUUID().replace(/-/g, '')}`;

/** Adobe writes dates as `2026-12-05T10:15:30Z`. */
export const adobeDate = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** The sets whose turn it is: the lowest order with a member still to act. */
export function activeOrder(agreement: SandboxAgreement): number | undefined {
  const pending = agreement.participantSets.filter((s) => s.members.some((m) => m.status !== 'COMPLETED'));
  return pending.length === 0 ? undefined : Math.min(...pending.map((s) => s.order));
}

export const IN_FLIGHT = (status: string) => status.startsWith('OUT_FOR_') || status.startsWith('WAITING_FOR_');
