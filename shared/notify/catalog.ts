/**
 * Every message template the code asks for (notify.message.requested to customers,
 * notify.partner-message.requested to providers and technicians): who receives it, whether an
 * opt-out stops it, and the parameters a request carries. shared/domain/messages.ts checks each
 * request against it (a request that does not match is a bug, refused before it is written), and
 * shared/notify/templates.test.ts checks every text of shared/notify/templates/ against it: a
 * template may name only these parameters.
 *
 * Parameter kinds, and how a template writes them (ICU MessageFormat):
 * - text: `{name}`; code: a fixed word of the code, given to the template with `_` for `-` (ICU
 *   select keys take no hyphen): `{reason, select, tv_negative {...} adjustments_refused {...} other {...}}`;
 * - count: `{name, plural, one {# ...} other {# ...}}` or `{name, number}`;
 * - date: a calendar day YYYY-MM-DD in the recipient's country: `{name, date, long}`;
 * - instant: an ISO 8601 timestamp, shown in the recipient's time zone: `{name, date, medium}`, `{name, time, short}`;
 * - url: an absolute link, written as is;
 * - amountMinor: an amount in minor units of `currency`; templateValues adds `<name>Major`, the
 *   amount in major units, written `{<name>Major, number, ::currency/EUR}` (the locale's currency:
 *   EUR for es, fr, it; PLN for pl);
 * - currency: an ISO 4217 code.
 * An optional parameter a request does not carry is given as the word `none`, written
 * `{name, select, none {} other {...}}`.
 */
export const parameterKinds = ['text', 'code', 'count', 'date', 'instant', 'url', 'amountMinor', 'currency'] as const;
export type ParameterKind = (typeof parameterKinds)[number];

export interface ParameterSpec {
  kind: ParameterKind;
  optional?: boolean;
  /** For `code`: the values it takes. */
  values?: readonly string[];
}

export type Audience = 'customer' | 'provider' | 'technician';

export interface TemplateSpec {
  audience: Audience;
  /** transactional: the recipient cannot do without it; informational: an opt-out stops it. */
  kind: 'transactional' | 'informational';
  /** What the message says, for translators and ops. */
  purpose: string;
  parameters: Record<string, ParameterSpec>;
}

const text: ParameterSpec = { kind: 'text' };
const orderReference = text;
const claimReference = text;
const date: ParameterSpec = { kind: 'date' };
const instant: ParameterSpec = { kind: 'instant' };
const url: ParameterSpec = { kind: 'url' };
const count: ParameterSpec = { kind: 'count' };

export const templateCatalog = {
  'claim.received': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The claim was received, whether a warranty covers it, and by when it will be acknowledged.',
    parameters: {
      orderReference,
      claimReference,
      entitlement: { kind: 'code', values: ['covered', 'out-of-warranty'] },
      warrantyCode: { kind: 'text', optional: true },
      acknowledgeBy: date,
    },
  },
  'claim.acknowledged': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The claim is being investigated (an expert will visit); decided by the date given.',
    parameters: { orderReference, claimReference, decideBy: date },
  },
  'claim.repair-ordered': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The claim is decided: a repair at no charge; a provider will contact them to book it.',
    parameters: { orderReference, claimReference },
  },
  'claim.refund-approved': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The claim is decided: a refund of the amount given.',
    parameters: { orderReference, claimReference, amountMinor: { kind: 'amountMinor' }, currency: { kind: 'currency' } },
  },
  'claim.rejected': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The claim is rejected, with the reason the operator wrote.',
    parameters: { orderReference, claimReference, reason: text },
  },
  'contract.signature-reminder': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The contract sent by Adobe Sign is still to sign (the signing link is in Adobe’s email).',
    parameters: { orderReference },
  },
  'contract.expired': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The contract was not signed in time; the store will contact them.',
    parameters: { orderReference },
  },
  'contract.cancelled': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The contract and the installation are cancelled.',
    parameters: { orderReference },
  },
  'dispatch.offer-received': {
    audience: 'provider',
    kind: 'transactional',
    purpose: 'A new job is offered to the provider in the app, until the time given.',
    parameters: { offerId: text, expiresAt: instant },
  },
  'dispatch.offer-withdrawn': {
    audience: 'provider',
    kind: 'transactional',
    purpose: 'An offer the provider had not answered is taken back: another provider got the job, or the order was cancelled.',
    parameters: { offerId: text, reason: { kind: 'code', values: ['superseded', 'order-cancelled'] } },
  },
  'dispatch.assignment-confirmed': {
    audience: 'provider',
    kind: 'transactional',
    purpose: 'A job is the provider’s (accepted offer, auto-accepted or given by an operator): assign a technician.',
    parameters: { assignmentId: text, source: { kind: 'code', values: ['offer', 'auto-accept', 'manual'] } },
  },
  'dispatch.job-assigned': {
    audience: 'technician',
    kind: 'transactional',
    purpose: 'The provider gave the technician a job (see the app).',
    parameters: { assignmentId: text },
  },
  'field.appointment-booked': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The installation visit is booked for the slot given.',
    parameters: { orderReference, startsAt: instant, endsAt: instant, timeZone: text },
  },
  'field.visit-booked': {
    audience: 'technician',
    kind: 'transactional',
    purpose: 'A visit is in the technician’s day for the slot given.',
    parameters: { appointmentId: text, startsAt: instant, endsAt: instant },
  },
  'field.appointment-reminder': {
    audience: 'customer',
    kind: 'informational',
    purpose: 'Reminder, the evening before: the installation visit is tomorrow in the slot given.',
    parameters: { orderReference, startsAt: instant, endsAt: instant, timeZone: text },
  },
  'field.technician-on-the-way': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The technician is on the way: arrival in the minutes given, about the time given.',
    parameters: { orderReference, etaMinutes: count, expectedAt: instant, timeZone: text },
  },
  'field.work-completed': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The technician marked the work complete; the Work Closing Form to accept it follows.',
    parameters: { orderReference },
  },
  'orders.satisfaction-survey': {
    audience: 'customer',
    kind: 'informational',
    purpose: 'The order is closed: how did it go? A rating and a comment from the link.',
    parameters: { orderReference, surveyUrl: url },
  },
  'tv.adjustments-approval-requested': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The technical visit found adjustments with an extra cost: accept or refuse them from the link before the deadline.',
    parameters: { orderReference, answerUrl: url, answerDeadline: instant, extraCostMinor: { kind: 'amountMinor' }, currency: { kind: 'currency' } },
  },
  'tv.installation-cancelled': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The installation is cancelled after the technical visit, and why; the refund follows.',
    parameters: { orderReference, reason: { kind: 'code', values: ['tv-negative', 'adjustments-refused', 'adjustments-unanswered'] } },
  },
  'wcf.answer-requested': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The work is done: accept it, accept it with reserves or reject it on the Work Closing Form from the link.',
    parameters: { orderReference, answerUrl: url },
  },
  'wcf.answer-reminder': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'Reminder: the Work Closing Form still awaits their answer (the link).',
    parameters: { orderReference, answerUrl: url },
  },
  'wcf.to-sign': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The Work Closing Form with their answer is to sign (Adobe Sign’s email or the technician’s device).',
    parameters: { orderReference },
  },
  'wcf.lifting-to-sign': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The reserves were lifted: the shorter lifting form is to sign.',
    parameters: { orderReference },
  },
  'wcf.reserves-recorded': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'Their reserves are recorded; the warranties have started; the provider will come back to lift them.',
    parameters: { orderReference, reserveCount: count },
  },
  'wcf.rework-planned': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The provider must redo the work by the date given.',
    parameters: { orderReference, deadline: date },
  },
  'wcf.rework-booked': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The visit that lifts their reserves is booked for the slot given (deadline recalled).',
    parameters: { orderReference, startsAt: instant, endsAt: instant, timeZone: text, deadline: date },
  },
  'wcf.dispute-opened': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'A dispute on the work is open; the store will contact them.',
    parameters: { orderReference },
  },
  'wcf.work-accepted': {
    audience: 'customer',
    kind: 'transactional',
    purpose: 'The work is accepted and the order closed: the warranties run (the last one until the date given); the link to make a claim.',
    parameters: { orderReference, warrantyCount: count, lastWarrantyEndsOn: { kind: 'date', optional: true }, claimUrl: { kind: 'url', optional: true } },
  },
  'wcf.rework-requested': {
    audience: 'provider',
    kind: 'transactional',
    purpose: 'Reserves to lift on an order, by the deadline given: book the visit.',
    parameters: { orderReference, reserveCount: count, deadline: date },
  },
  'wcf.rework-deadline-extended': {
    audience: 'provider',
    kind: 'transactional',
    purpose: 'The re-work deadline was extended by the days given, to the new date.',
    parameters: { orderReference, extensionDays: count, deadline: date },
  },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateId = keyof typeof templateCatalog;

export const isTemplateId = (id: string): id is TemplateId => Object.hasOwn(templateCatalog, id);
