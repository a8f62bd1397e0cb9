import { sandboxMessages } from './adobe-sign/client';
import { customerMessages } from './customer-messages';
import { findRunningMesh, runCli, type RunningMesh } from './running-mesh';

/**
 * The local stand-in for the customer's phone and mailbox, until the notify domain sends
 * through a messaging sandbox: prints the messages the functions asked to send
 * (`notify.message.requested` in the outbox), newest last, rendered in the customer's language
 * from the current templates (notify.current_templates), as the sender will render them.
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
  const messages = await customerMessages(mesh, orderId);
  if (messages.length === 0) console.log(orderId ? `no message about order ${orderId} yet` : 'no message yet');
  for (const m of messages.reverse()) {
    console.log(`${m.createdAt.toISOString()}  ${m.channel} ${m.templateId} (${m.locale})  order ${m.serviceOrderId}`);
    if ('error' in m.rendered) {
      console.log(`    (not renderable: ${m.rendered.error})`);
      for (const [name, value] of Object.entries(m.parameters)) console.log(`    ${name}: ${String(value)}`);
    } else {
      if (m.rendered.subject) console.log(`    Subject: ${m.rendered.subject}`);
      console.log(`    ${m.rendered.text.split('\n').join('\n    ')}`);
    }
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
