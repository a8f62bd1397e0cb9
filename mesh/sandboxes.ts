import path from 'node:path';
import { startAdobeSignSandbox, type AdobeSignSandbox } from './adobe-sign/server';
import type { MeshConfig } from './config';
import { startMessagingSandbox, type MessagingSandbox } from './messaging';

export interface Sandboxes {
  esignSandbox?: AdobeSignSandbox;
  messagingSandbox?: MessagingSandbox;
  /** What the functions are given to use them (the same variables real accounts are configured with). */
  env: Record<string, string>;
}

/**
 * The stand-ins of the mesh for third parties that cannot run here, each started unless the
 * environment names a real account; each one's close is pushed on `stops`.
 */
export async function startSandboxes(
  config: MeshConfig,
  dataRoot: string | undefined,
  stops: (() => Promise<void>)[],
  log: (source: string, line: string) => void,
): Promise<Sandboxes> {
  // Adobe Acrobat Sign: the sandbox (mesh/adobe-sign), unless ADOBE_SIGN_API_HOST names a real
  // account. The functions get the same variables a real account is configured with
  // (ADOBE_SIGN_CLIENT_ID, ADOBE_SIGN_CLIENT_SECRET, ADOBE_SIGN_REFRESH_TOKEN, ADOBE_SIGN_API_HOST,
  // ESIGN_WEBHOOK_CLIENT_IDS): set them all where `npm start` runs and the mesh uses that account
  // instead (its webhook then has to be registered by hand to a public URL of esign-webhooks).
  // The sandbox keeps its agreements, credentials and webhooks in <data>/adobe-sign.json.
  let esignSandbox: AdobeSignSandbox | undefined;
  if (!config.ADOBE_SIGN_API_HOST) {
    const sandbox = await startAdobeSignSandbox({
      port: config.MESH_ESIGN_PORT ?? 0,
      stateFile: dataRoot && path.join(dataRoot, 'adobe-sign.json'),
      delivery: { retryBaseDelayMs: config.MESH_ESIGN_RETRY_BASE_MS },
      log: (line) => log('adobe-sign', line),
    });
    stops.push(() => sandbox.close());
    esignSandbox = sandbox;
  }
  const esignEnv: Record<string, string> = esignSandbox
    ? {
        ADOBE_SIGN_API_HOST: esignSandbox.url,
        ADOBE_SIGN_CLIENT_ID: esignSandbox.credentials.clientId,
        ADOBE_SIGN_CLIENT_SECRET: esignSandbox.credentials.clientSecret,
        ADOBE_SIGN_REFRESH_TOKEN: esignSandbox.credentials.refreshToken,
        ESIGN_WEBHOOK_CLIENT_IDS: esignSandbox.credentials.clientId,
      }
    : {};

  // Messaging: the Twilio and SendGrid sandbox (mesh/messaging), unless TWILIO_ACCOUNT_SID names a
  // real account (then TWILIO_*, SENDGRID_*, SENDGRID_WEBHOOK_PUBLIC_KEY and NOTIFY_PUBLIC_BASE_URL
  // come from this environment, and the providers' webhooks must reach notify-webhooks publicly).
  // The sandbox calls notify-webhooks through the ingress, as the providers call its public URL;
  // it keeps its messages and credentials in <data>/messaging.json.
  const notifyPublicBaseUrl = `http://127.0.0.1:${config.MESH_PORT}/notify-webhooks`;
  let messagingSandbox: MessagingSandbox | undefined;
  if (!config.TWILIO_ACCOUNT_SID) {
    messagingSandbox = await startMessagingSandbox({
      port: config.MESH_MESSAGING_PORT ?? 0,
      stateFile: dataRoot && path.join(dataRoot, 'messaging.json'),
      smsInboundUrl: `${notifyPublicBaseUrl}/twilio/inbound`,
      sendgridEventsUrl: `${notifyPublicBaseUrl}/sendgrid/events`,
      log: (line) => log('messaging', line),
    });
    const sandbox = messagingSandbox;
    stops.push(() => sandbox.close());
  }
  const messagingEnv: Record<string, string> = messagingSandbox ? { ...messagingSandbox.env, NOTIFY_PUBLIC_BASE_URL: notifyPublicBaseUrl } : {};
  return { esignSandbox, messagingSandbox, env: { ...esignEnv, ...messagingEnv } };
}
