import { randomUUID } from 'node:crypto';
import { salesOrderCreated } from '../events';
import { buildEvent } from '../shared/cloudevents/build';
import { toHttpBinary } from '../shared/cloudevents/http';
import { pyxis, type PyxisFixture } from '../test/fixtures/sales';
import { signAsParticipant, signingLinks } from './adobe-sign/client';
import { customerMessages } from './customer-messages';
import { claimOnTheWork } from './scenario-claim';
import { closeTheWork } from './scenario-wcf';
import { meshToken } from './oidc/get-token';
import { DEV_PROVIDER_FR_ID, DEV_PROVIDER_ID } from './oidc/users';
import { findRunningMesh, meshFetch, runCli, type RunningMesh } from './running-mesh';

/**
 * npm run scenario [-- --country ES|FR] [--through wcf|claim] — one sale from intake to check-out (with
 * `--through wcf` on to the Work Closing Form, a reserves round and the closed order; with
 * `--through claim` then a claim refunded through the approval chain, Spain only) on the running local
 * mesh, driven as its actors drive it: the sales system publishes the sale, the operator and the
 * technician resolve the technical visit (when the product needs one), the workflow dispatches it
 * (ES: auto-accepted; FR: the provider accepts the offer in the app), the provider admin assigns a
 * technician and books the slot agreed with the customer, the technician checks in and out.
 * Prints the timeline. It runs against the mesh on MESH_PORT (8080), as many times in a row as
 * wanted: each run is a new sale, booked in the technician's first free slot.
 */

interface Country {
  fixture: PyxisFixture;
  operator: string;
  providerAdmin: string;
  technician: string;
  providerId: string;
}
const COUNTRIES: Record<string, Country> = {
  ES: { fixture: 'pyxis-created', operator: 'operator-es', providerAdmin: 'provider-admin', technician: 'technician', providerId: DEV_PROVIDER_ID },
  FR: {
    fixture: 'pyxis-created-fr-store',
    operator: 'operator-fr',
    providerAdmin: 'provider-admin-fr',
    technician: 'technician-fr',
    providerId: DEV_PROVIDER_FR_ID,
  },
};

const started = Date.now();
const tokens = new Map<string, string>();
let mesh: RunningMesh;
type Json = Record<string, unknown> & { items?: Json[] };

function line(actor: string, what: string) {
  const at = ((Date.now() - started) / 1000).toFixed(2).padStart(7);
  console.log(`${at}s  ${actor.padEnd(22)} ${what}`);
}

async function token(user: string) {
  const known = tokens.get(user);
  if (known) return known;
  const fresh = await meshToken(mesh, user);
  tokens.set(user, fresh);
  return fresh;
}

async function call(method: string, path: string, user?: string, body?: unknown, idempotent = false): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = `Bearer ${await token(user)}`;
  if (idempotent) headers['idempotency-key'] = `scenario-${randomUUID()}`;
  const response = await meshFetch(mesh.url, `${mesh.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

async function must(method: string, path: string, user?: string, body?: unknown, idempotent = false): Promise<Json> {
  const answer = await call(method, path, user, body, idempotent);
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const countryCode = (process.argv.includes('--country') ? process.argv[process.argv.indexOf('--country') + 1] : 'ES') ?? 'ES';
  const country = COUNTRIES[countryCode.toUpperCase()];
  if (!country) throw new Error(`--country must be one of ${Object.keys(COUNTRIES).join(', ')}`);
  const through = process.argv.includes('--through') ? process.argv[process.argv.indexOf('--through') + 1] : 'check-out';
  if (through !== 'check-out' && through !== 'wcf' && through !== 'claim') throw new Error('--through must be check-out (the default), wcf or claim');
  if (through === 'claim' && countryCode.toUpperCase() !== 'ES')
    throw new Error('--through claim runs in Spain (its BU manager and country director are dev users)');
  mesh = await findRunningMesh();

  // 1. The sales system publishes the sale.
  const sale = pyxis(country.fixture, `SCN${Date.now().toString(36).toUpperCase()}`);
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/sales/pyxis', id: sale.header.messageId }));
  const published = await meshFetch(mesh.url, `${mesh.url}/_bus/topics/sales.order.created`, { method: 'POST', headers, body });
  if (!published.ok) throw new Error(`the bus refused the sale: ${published.status} ${await published.text()}`);
  line('Pyxis', `sale ${sale.order.orderNumber} published (${sale.order.storeCode})`);

  const order = await until('the service order', async () =>
    (await call('GET', '/service-orders/?limit=100', country.operator)).body.items?.find((o) => o.salesOrderId === sale.order.orderNumber),
  );
  const orderId = String(order.id);
  const needsVisit = order.technicalVisitRequired === true;
  line('order-intake', `service order ${orderId} created${needsVisit ? ', technical visit required' : ''}`);

  // 2. The technical visit, when the products need one.
  if (needsVisit) {
    await until('the visit to be scheduled', async () =>
      (await call('GET', `/tv-visits/orders/${orderId}/visit`, country.operator)).body.status === 'scheduled' ? true : undefined,
    );
    line('technical visit', 'visit scheduled; installation blocked until it is resolved');
    await must('PUT', `/tv-visits/orders/${orderId}/visit/assignment`, country.operator, {
      technician: country.technician === 'technician' ? 'tech-0001' : 'tech-0003',
      providerId: country.providerId,
      appointmentAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    line(country.operator, 'visit assigned to the technician');
    await must('POST', `/tv-visits/orders/${orderId}/visit/outcome`, country.technician, { outcome: 'YES', notes: 'site ready' }, true);
    line(country.technician, 'outcome YES recorded from the app');
    await until('the installation to be unblocked', async () =>
      (await call('GET', `/tv-visits/orders/${orderId}/visit`, country.operator)).body.installationStatus === 'ready' ? true : undefined,
    );
    line('technical visit', 'installation unblocked');
  }

  // 3. The contract: drafted in the customer's language, sent through Adobe Sign (the mesh's
  //    sandbox), signed by the customer from the link in their email. Booking waits for it.
  await signContract(orderId, country);

  // 4. Dispatch: ES auto-accepts the best candidate; FR offers it and the provider accepts.
  const assignment = await until(
    'an assignment (or an offer to accept)',
    async () => {
      const ofOrder = (list: unknown) => (list as Json[] | undefined)?.find((x) => (x.order as Json | undefined)?.serviceOrderId === orderId);
      const live = ofOrder((await call('GET', '/dispatch-offers/assignments', country.providerAdmin)).body.assignments);
      if (live) return live;
      const offer = ofOrder((await call('GET', '/dispatch-offers/offers?status=open', country.providerAdmin)).body.offers);
      if (offer) {
        line('dispatch', `offer ${text(offer.offerId)} to the provider (score ${text(offer.score)}, expires ${text(offer.expiresAt)})`);
        await must('POST', `/dispatch-offers/offers/${text(offer.offerId)}/accept`, country.providerAdmin, undefined, true);
        line(country.providerAdmin, 'offer accepted in the app');
      }
      return undefined;
    },
    90_000,
  );
  const assignmentId = text(assignment.assignmentId);
  line('dispatch', `assignment ${assignmentId} confirmed (${text(assignment.source)})`);

  // 5. The provider admin gives it to a technician and books the slot agreed with the customer.
  const technicianId = countryCode.toUpperCase() === 'ES' ? '7e000000-0000-4000-8000-000000000001' : '7e000000-0000-4000-8000-000000000003';
  await must('PUT', `/dispatch-offers/assignments/${assignmentId}/technician`, country.providerAdmin, { technicianId }, true);
  line(country.providerAdmin, 'technician assigned');
  const { appointment, day, slot } = await bookFirstFreeSlot(orderId, country);
  const appointmentId = text(appointment.appointmentId);
  line(country.providerAdmin, `appointment ${appointmentId} booked ${day} ${slot} UTC`);

  // 6. The technician's day, check-in at the customer's door, check-out with the signature.
  const agenda = await must('GET', `/field-visits/day?date=${day}`, country.technician);
  const appointments = (agenda.appointments as Json[] | undefined) ?? [];
  const visit = appointments.find((a) => a.appointmentId === appointmentId);
  line(country.technician, `day ${day}: ${appointments.length} appointment(s); this one at ${text((visit?.address as Json | undefined)?.city)}`);
  const geo = sale.order.customer.address.geo;
  // The scenario runs now, not on the booked day: the check-in is flagged early against the slot.
  const checkIn = await must(
    'POST',
    `/field-visits/appointments/${appointmentId}/check-in`,
    country.technician,
    { lat: geo?.lat ?? 0, lon: geo?.lon ?? 0, accuracyM: 12 },
    true,
  );
  line(
    country.technician,
    `checked in: ${text(checkIn.distanceM)} m from the address (within geofence: ${text(checkIn.withinGeofence)}), ${text(checkIn.punctuality)} (${text(typeof checkIn.minutesOff === 'number' ? Math.abs(checkIn.minutesOff) : checkIn.minutesOff)} min off the slot)`,
  );
  const checkOut = await must(
    'POST',
    `/field-visits/appointments/${appointmentId}/check-out`,
    country.technician,
    {
      workSummary: 'Kitchen installed, water and power connected, tested with the customer.',
      materials: [{ code: 'SIL-310', description: 'Sanitary silicone', quantity: 2, unit: 'cartridge' }],
      photoRefs: ['photos/scenario/before.jpg', 'photos/scenario/after.jpg'],
      signaturePng: SIGNATURE,
    },
    true,
  );
  line(country.technician, `checked out (${text(checkOut.status)}), customer signature kept`);

  // 7. The order is worked: the funnel completes the assignment (no longer live, no withdrawal).
  await until('the assignment to be completed', async () => {
    const live = ((await call('GET', '/dispatch-offers/assignments', country.providerAdmin)).body.assignments as Json[] | undefined) ?? [];
    return live.some((a) => a.assignmentId === assignmentId) ? undefined : true;
  });
  line('dispatch', `assignment ${assignmentId} completed: the order is worked, the funnel ends`);

  // 8. --through wcf: the customer accepts the work with a reserve, it is lifted, the order closed.
  const actors = { sandbox: mesh.esignSandboxUrl!, call, must, until, line, text };
  if (through === 'wcf' || through === 'claim') await closeTheWork(actors, orderId, country);

  // 9. --through claim: the customer claims from the link that came with the acceptance.
  if (through === 'claim') {
    const accepted = await until('the acceptance message with the claim link', async () =>
      (await customerMessages(mesh, orderId)).find((m) => m.templateId === 'wcf.work-accepted' && typeof m.parameters.claimUrl === 'string'),
    );
    line('customer', 'acceptance message received, with the claim link');
    await claimOnTheWork(actors, orderId, String(accepted.parameters.claimUrl));
  }
  line('scenario', 'done');
}

/**
 * The customer signs the contract as they would from their email: the operator's view gives the
 * agreement, the sandbox's mailbox its signing link, the signing page takes the signature (with
 * the one-time SMS code when the contract asks for it); the order's installation is then released
 * from its contract block, and the signed PDF can be downloaded.
 */
async function signContract(orderId: string, country: Country) {
  const sandbox = mesh.esignSandboxUrl;
  if (!sandbox)
    throw new Error('the mesh runs on a real Adobe Sign account (ADOBE_SIGN_API_HOST): sign the contract from its email, then run the scenario again');
  const contract = await until('the contract to be sent for signature', async () => {
    const items = (await call('GET', `/contracts/orders/${orderId}`, country.operator)).body.items ?? [];
    return items.find((c) => c.status === 'out-for-signature');
  });
  const amounts = contract.amounts as Json;
  line(
    'contract',
    `contract ${text(contract.id)} (${text(contract.language)}, total ${text(amounts.totalMinor)} ${text(contract.currency)}) sent for signature`,
  );
  const [link] = await until('the signing email', async () => {
    const links = await signingLinks(sandbox, text(contract.agreementId));
    return links.length > 0 ? links : undefined;
  });
  const signed = await signAsParticipant(sandbox, link!.link);
  line('customer', `signed in the signing page${contract.phoneAuth === true ? ' with the one-time SMS code' : ''} (agreement ${signed.agreementStatus})`);
  await until(
    'the installation to be released by the signature',
    async () => ((await call('GET', `/service-orders/${orderId}`, country.operator)).body.installation as Json | undefined)?.contract === 'signed' || undefined,
  );
  const done = (await call('GET', `/contracts/${text(contract.id)}`, country.operator)).body;
  const pdf = ((done.documents as Json[] | undefined) ?? []).find((d) => d.kind === 'signed');
  line('contract', `signed: installation released; signed PDF ${text(pdf?.sizeBytes)} bytes (sha256 ${text(pdf?.sha256).slice(0, 12)}...)`);
}

/** A field of an answer, as text for the timeline. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null ? 'null' : '?';
}

const HOUR_MS = 3_600_000;
const SLOT_HOURS = 3;
/** The day's working hours the scenario books in (UTC): 08:00 to 18:00. */
const FIRST_START_HOUR = 8;
const LAST_END_HOUR = 18;
/** Refusals that a later slot can avoid: the scenario moves on to the next one. */
const SLOT_TAKEN = new Set(['slot-overlaps-appointment', 'slot-outside-capacity', 'not-a-working-day']);

/**
 * Books the first slot free in the technician's days, from tomorrow: within each day, the
 * first 3 hours between 08:00 and 18:00 UTC that no appointment of theirs covers (their day as
 * GET /field-visits/day shows it); a refusal a later slot avoids (overlap, capacity, not a
 * working day) moves on to the next day. So the scenario runs any number of times in a row.
 */
async function bookFirstFreeSlot(orderId: string, country: Country): Promise<{ appointment: Json; day: string; slot: string }> {
  const refusals: string[] = [];
  for (let offset = 1; offset <= 60; offset++) {
    const day = new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const agenda = await must('GET', `/field-visits/day?date=${day}`, country.technician);
    const busy = ((agenda.appointments as Json[] | undefined) ?? []).map((a) => ({ from: Date.parse(text(a.startsAt)), to: Date.parse(text(a.endsAt)) }));
    const startsAt = firstFreeStart(day, busy);
    if (startsAt === undefined) continue;
    const endsAt = startsAt + SLOT_HOURS * HOUR_MS;
    const answer = await call(
      'POST',
      '/field-visits/appointments',
      country.providerAdmin,
      { serviceOrderId: orderId, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString() },
      true,
    );
    if (answer.status < 300) return { appointment: answer.body, day, slot: `${clock(startsAt)}–${clock(endsAt)}` };
    const reason = text(answer.body.reason);
    if (answer.status !== 409 || !SLOT_TAKEN.has(reason)) {
      throw new Error(`POST /field-visits/appointments answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    refusals.push(`${day}: ${reason}`);
  }
  throw new Error(`no free slot for the technician in the next 60 days (${refusals.slice(-3).join('; ')})`);
}

/** The first start on `day` from which SLOT_HOURS fit between the busy intervals, if any. */
function firstFreeStart(day: string, busy: { from: number; to: number }[]): number | undefined {
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  let start = dayStart + FIRST_START_HOUR * HOUR_MS;
  for (const b of [...busy].sort((x, y) => x.from - y.from)) {
    if (b.from >= start + SLOT_HOURS * HOUR_MS) break;
    if (b.to > start) start = Math.ceil(b.to / HOUR_MS) * HOUR_MS;
  }
  return start + SLOT_HOURS * HOUR_MS <= dayStart + LAST_END_HOUR * HOUR_MS ? start : undefined;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** A 1x1 PNG: the customer's canvas signature as the app sends it. */
const SIGNATURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

runCli(main);
