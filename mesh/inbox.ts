import pg from 'pg';
import { sandboxMessages } from './adobe-sign/client';
import { replyFromPhone, sandboxMessages as receivedMessages, type SandboxMessage } from './messaging';
import { findRunningMesh, runCli, withMeshDatabase, type RunningMesh } from './running-mesh';

/**
 * What each phone and mailbox received on the local mesh: the SMS and email the messaging sandbox
 * took from notify-sender (mesh/messaging, standing for Twilio and SendGrid), newest last, as the
 * recipient reads them (links open on the local mesh), with their delivery status; then what is
 * still waiting to be sent (quiet hours, a scheduled reminder, a retry) from notify.messages.
 *   npm run inbox                          every message
 *   npm run inbox -- <orderId>             the messages about one service order
 *   npm run inbox -- reply <phone> <text>  the phone answers (STOP, START, ...), as a person would
 * Then the mail and SMS of the mesh's Adobe Acrobat Sign sandbox (every agreement's, whatever the
 * order): the signing links sent to each participant when it is their turn and the one-time codes
 * of PHONE authentication. The inbox is the phone and the mailbox, so it shows the recipients.
 */
async function main() {
  const orderId = process.argv[2];
  const mesh = await findRunningMesh();
  if (orderId === 'reply') return reply(mesh, process.argv[3], process.argv.slice(4).join(' '));
  await withMeshDatabase(mesh, async (db) => {
    const requestIds = orderId ? await requestsOf(db, orderId) : undefined;
    await printReceived(mesh, requestIds);
    await printWaiting(db, orderId);
  });
  await printSandboxMail(mesh);
}

async function printReceived(mesh: RunningMesh, requestIds: Set<string> | undefined) {
  if (!mesh.messagingSandboxUrl) {
    console.log('messages go through a real Twilio / SendGrid account (TWILIO_ACCOUNT_SID): see their consoles');
    return;
  }
  const all = await receivedMessages(mesh.messagingSandboxUrl);
  const shown = all.filter((m) => !requestIds || requestIds.has(requestIdOf(m) ?? ''));
  console.log(`Phones and mailboxes (messaging sandbox ${mesh.messagingSandboxUrl})`);
  if (shown.length === 0) console.log(requestIds ? 'nothing received about this order yet' : 'nothing received yet');
  for (const m of shown.slice(-50)) {
    if (m.channel === 'sms') {
      const direction = m.direction === 'inbound' ? `reply from ${m.from ?? '?'}` : `SMS to ${m.to} from ${m.from ?? m.messagingServiceSid ?? '?'}`;
      console.log(`${m.dateCreated}  ${direction}  [${m.status}${m.errorCode ? ` ${m.errorCode}` : ''}, ${m.segments} segment(s) ${m.encoding}]`);
      console.log(`    ${m.body.split('\n').join('\n    ')}`);
    } else {
      console.log(`${m.at}  email to ${m.to} from ${m.from}  [${m.status}]`);
      console.log(`    Subject: ${m.subject}`);
      console.log(`    ${m.text.split('\n').join('\n    ')}`);
      const unsubscribe = m.headers['List-Unsubscribe'];
      if (unsubscribe) console.log(`    (one-click unsubscribe: ${unsubscribe})`);
    }
  }
}

/** A phone replies through the sandbox, signed as Twilio signs an inbound SMS, to notify-webhooks. */
async function reply(mesh: RunningMesh, phone: string | undefined, text: string) {
  if (!phone || !text) throw new Error('usage: npm run inbox -- reply <phone in E.164, e.g. +34612345678> <text, e.g. STOP>');
  if (!mesh.messagingSandboxUrl) throw new Error('the mesh uses a real Twilio account: reply from the phone itself');
  const outcome = await replyFromPhone(mesh.messagingSandboxUrl, phone, text);
  console.log(JSON.stringify(outcome));
}

/** The request id a sent message carries: in the SMS's status callback URL, in the email's custom_args. */
function requestIdOf(m: SandboxMessage): string | undefined {
  if (m.channel === 'email') return m.customArgs.requestId;
  if (!m.statusCallback) return undefined;
  return new URL(m.statusCallback).searchParams.get('requestId') ?? undefined;
}

async function requestsOf(db: pg.Client, orderId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ request_id: string }>('SELECT request_id FROM notify.messages WHERE service_order_id::text = $1', [orderId]);
  return new Set(rows.map((r) => r.request_id));
}

async function printWaiting(db: pg.Client, orderId: string | undefined) {
  const { rows } = await db.query<{ not_before: Date; deferred_reason: string | null; channel: string; template_id: string; recipient_kind: string }>(
    `SELECT not_before, deferred_reason, channel, template_id, recipient_kind FROM notify.messages
      WHERE status = 'queued' AND ($1::text IS NULL OR service_order_id::text = $1) ORDER BY not_before LIMIT 50`,
    [orderId ?? null],
  );
  if (rows.length === 0) return;
  console.log('\nWaiting to be sent');
  for (const r of rows) {
    console.log(`${r.not_before.toISOString()}  ${r.channel} ${r.template_id} to the ${r.recipient_kind}${r.deferred_reason ? ` (${r.deferred_reason})` : ''}`);
  }
}

async function printSandboxMail(mesh: RunningMesh) {
  if (!mesh.esignSandboxUrl) return;
  const mail = await sandboxMessages(mesh.esignSandboxUrl).catch((error: unknown) => {
    console.log(`\nAdobe Sign sandbox mail: not readable from ${mesh.esignSandboxUrl} (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  });
  if (!mail) return;
  console.log(`\nAdobe Sign sandbox mail (${mesh.esignSandboxUrl}, every agreement)`);
  if (mail.length === 0) console.log('no mail yet');
  for (const m of mail.slice(-30)) {
    console.log(`${m.at}  ${m.channel} to ${m.to}  ${m.subject}  agreement ${m.agreementId}`);
    console.log(`    ${m.text.split('\n').join('\n    ')}`);
    if (m.link) console.log(`    link: ${m.link}`);
  }
}

runCli(main);
