/**
 * The e-signature capability other code depends on (the contract workflow, the Work Closing
 * Form, provider agreements). The production implementation is Adobe Acrobat Sign REST v6
 * (`adobe-sign.ts`); the words here are the business's, the wire shapes stay in the adapter.
 */

/** Stronger signer authentication: Adobe's PHONE method sends a one-time code by SMS. */
export interface PhoneAuthentication {
  method: 'PHONE';
  /** International dialling prefix, e.g. `+34`. */
  countryCode: string;
  phone: string;
}

export interface Signer {
  email: string;
  /** Adobe's participant role; SIGNER unless told. */
  role?: 'SIGNER' | 'APPROVER';
  /** The caller decides (e.g. above an amount, where the country asks for it); none by default. */
  authentication?: PhoneAuthentication;
}

/** Adobe's reminder frequencies (`reminderFrequency` of an agreement). */
export const reminderFrequencies = [
  'DAILY_UNTIL_SIGNED',
  'WEEKDAILY_UNTIL_SIGNED',
  'EVERY_OTHER_DAY_UNTIL_SIGNED',
  'EVERY_THIRD_DAY_UNTIL_SIGNED',
  'EVERY_FIFTH_DAY_UNTIL_SIGNED',
  'WEEKLY_UNTIL_SIGNED',
  'ONCE',
] as const;
export type ReminderFrequency = (typeof reminderFrequencies)[number];

/** The frequency as Adobe names it, or undefined when Adobe does not know it (a setting to fix, never a silent default). */
export const asReminderFrequency = (value: string): ReminderFrequency | undefined => reminderFrequencies.find((f) => f === value);

export interface NewAgreement {
  /**
   * A stable key of what is being signed (the contract id): sent as Adobe's `externalId`, and
   * the key that makes creation idempotent. A deliberate re-send needs a new key (`<id>:2`).
   */
  key: string;
  name: string;
  document: { bytes: Uint8Array; fileName: string; mimeType?: string };
  /**
   * Who signs, step by step: the steps sign one after another (order 1, 2, 3...), the signers of
   * one step sign in parallel (the same order). The WCF: `[[customer], [technician], [store]]`.
   */
  signingSteps: Signer[][];
  message?: string;
  reminderFrequency?: ReminderFrequency;
  expiresAt?: Date;
}

export interface CreatedAgreement {
  agreementId: string;
  /** False when an agreement already existed for the key (a retried job): nothing was sent again. */
  created: boolean;
}

/** Adobe's agreement status as it answers it (`OUT_FOR_SIGNATURE`, `SIGNED`, `CANCELLED`, `EXPIRED`...). */
export type AgreementStatus = string;

export interface AgreementSummary {
  agreementId: string;
  name: string;
  status: AgreementStatus;
}

export interface AgreementView extends AgreementSummary {
  /** The key it was created with, when it was. */
  key: string | undefined;
}

export interface Recall {
  comment: string;
  /** Whether Adobe emails the participants that it was cancelled. */
  notifyOthers: boolean;
}

/**
 * Every method fails with the typed errors of `errors.ts`: `ESignUnavailableError` (retry later,
 * honouring `retryAfterMs`), `ESignRejectedError` (permanent), `ESignConflictError` (the
 * agreement's state refuses the action).
 */
export interface ESignature {
  /** Creates and sends the agreement once per `key`; a second call answers the first agreement. */
  createAgreement(input: NewAgreement): Promise<CreatedAgreement>;
  /** The agreements created with this key, as Adobe lists them. */
  findByKey(key: string): Promise<AgreementSummary[]>;
  getAgreement(agreementId: string): Promise<AgreementView>;
  /** The combined PDF: every document with the signatures applied. */
  signedDocument(agreementId: string): Promise<Uint8Array>;
  /** The audit trail PDF. */
  auditTrail(agreementId: string): Promise<Uint8Array>;
  /** The audit trail as data: every event of the agreement, oldest first. */
  agreementEvents(agreementId: string): Promise<AgreementEvent[]>;
  /** Cancels an agreement still out for signature; a signed, expired or cancelled one: conflict. */
  recall(agreementId: string, recall: Recall): Promise<void>;
  /**
   * In-person signing (the technician hands the device to the customer): the URL of the signing
   * page of `signerEmail` (any case) when it is their turn; undefined when they are not among the
   * current signers (a later step's, or one who already signed). Right after creation Adobe is
   * still preparing the agreement: unavailable, retry shortly. A signed, cancelled or expired
   * agreement: conflict (`agreement-not-signable`).
   */
  signingUrl(agreementId: string, signerEmail: string): Promise<string | undefined>;
}

/**
 * One step of an agreement's audit trail as data (Adobe's `GET /agreements/{id}/events`): who
 * did what, when, from which IP address, authenticated how.
 */
export interface AgreementEvent {
  /** Adobe's event type: `CREATED`, `SIGNATURE_REQUESTED`, `ACTION_COMPLETED` (signed or approved), `REJECTED`, `RECALLED`, `EXPIRED`... */
  type: string;
  at: Date;
  /** Who acted (the signer for a signature, the sender for a creation or a recall). */
  actorEmail?: string;
  /** Whom the event is about (the one asked to sign, the one who signed). */
  participantEmail?: string;
  ipAddress?: string;
  /**
   * How the participant of the event was to prove who they are (`PHONE`: a one-time code by SMS,
   * `NONE`: the email link alone), from the agreement's participants; absent for the sender's events.
   */
  authenticationMethod?: string;
  description?: string;
  /** The reason given with a decline or a recall. */
  comment?: string;
}
