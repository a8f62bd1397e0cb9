import pg from 'pg';
import { sandboxMessages } from './adobe-sign/client';
import { findRunningMesh, runCli, type RunningMesh } from './running-mesh';

/**
 * The local stand-in for the customer's phone and mailbox, until the notify domain sends
 * through a messaging sandbox: prints the messages the functions asked to send
 * (`notify.message.requested` in the outbox), newest last.
 *   npm run inbox                 every message
 *   npm run inbox -- <orderId>    the messages about one service order
 * It reads the database of the mesh running on MESH_PORT: its embedded one, or the same
 * DATABASE_URL the mesh was started with. Then the mail and SMS of the mesh's Adobe Acrobat Sign
 * sandbox (every agreement's, whatever the order): the signing links sent to each participant
 * when it is their turn (open one in a browser to sign or decline) and the one-time codes of
 * PHONE authentication. The inbox is the mailbox, so it shows the recipients.
 */
async function main() {
  const orderId = process.argv[2];
  const mesh = await findRunningMesh();
  const url = mesh.embeddedDatabaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`the mesh on ${mesh.url} runs on its DATABASE_URL: set the same DATABASE_URL for npm run inbox`);
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((error: unknown) => {
    throw new Error(`cannot reach the mesh's database (${error instanceof Error ? error.message : String(error)})`);
  });
  try {
    const { rows } = await client.query<{
      created_at: Date;
      data: {
        channel: string;
        templateId: string;
        locale: string;
        recipient: { serviceOrderId: string };
        parameters: Record<string, string | number | boolean>;
      };
    }>(
      `SELECT created_at, data FROM platform.outbox
        WHERE topic = 'notify.message.requested' AND ($1::text IS NULL OR partition_key = $1)
        ORDER BY id DESC LIMIT 50`,
      [orderId ?? null],
    );
    if (rows.length === 0) console.log(orderId ? `no message about order ${orderId} yet` : 'no message yet');
    for (const { created_at, data } of rows.reverse()) {
      console.log(`${created_at.toISOString()}  ${data.channel} ${data.templateId} (${data.locale})  order ${data.recipient.serviceOrderId}`);
      for (const [name, value] of Object.entries(data.parameters)) console.log(`    ${name}: ${String(value)}`);
    }
  } finally {
    await client.end();
  }
  await printSandboxMail(mesh);
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
