import type { Credentials, SandboxMessage } from './state';

/**
 * Small clients of the sandbox for the mesh, the inbox, scripts and tests: act as a participant
 * through the signing page's form (as a browser would POST it), read the mailbox, and register
 * a webhook the way an Adobe account's API application does (OAuth refresh grant, `baseUris`,
 * `POST /webhooks`).
 */
export interface ParticipantOutcome {
  agreementId: string;
  agreementStatus: string;
  participantStatus: string;
}

/**
 * Signs as the participant whose signing link `link` is (from the sandbox's email). With PHONE
 * authentication, the page "sends" the one-time code when opened, and the code is read from the
 * sandbox's SMS at `sandboxUrl`. Fails (Error with Adobe's code) when it is not their turn.
 */
export async function signAsParticipant(sandboxUrl: string, link: string): Promise<ParticipantOutcome> {
  const page = await fetch(link);
  if (!page.ok) throw new Error(`the signing page answered ${page.status}`);
  await page.text();
  const code = await latestCode(sandboxUrl, link);
  return postForm(link, { action: 'sign', ...(code ? { code } : {}) });
}

/** Declines, with the reason, as the participant of `link`. */
export async function declineAsParticipant(link: string, reason: string): Promise<ParticipantOutcome> {
  return postForm(link, { action: 'decline', reason });
}

/** Every email and SMS the sandbox sent, oldest first. */
export async function sandboxMessages(sandboxUrl: string, filter: { agreementId?: string; to?: string } = {}): Promise<SandboxMessage[]> {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const response = await fetch(`${sandboxUrl}/_sandbox/messages?${query.toString()}`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${sandboxUrl}/_sandbox/messages answered ${response.status}`);
  return ((await response.json()) as { messages: SandboxMessage[] }).messages;
}

/** The signing links the sandbox emailed for an agreement, in the order they were sent. */
export async function signingLinks(sandboxUrl: string, agreementId: string): Promise<{ to: string; link: string }[]> {
  return (await sandboxMessages(sandboxUrl, { agreementId })).flatMap((m) => (m.channel === 'email' && m.link ? [{ to: m.to, link: m.link }] : []));
}

/** Sets the sandbox's chaos (see `chaos.ts`); answers the settings now in force. */
export async function setChaos(sandboxUrl: string, settings: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${sandboxUrl}/_sandbox/chaos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!response.ok) throw new Error(`chaos refused: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Registers an ACCOUNT webhook for the agreement events at `webhookUrl`, unless the account
 * already has an active one there (a mesh restart keeps the sandbox's webhooks). Answers its id.
 */
export async function ensureWebhook(apiHost: string, credentials: Credentials, webhookUrl: string, name = 'ahs-field-service'): Promise<string> {
  const token = await accessToken(apiHost, credentials);
  const auth = { authorization: `Bearer ${token}` };
  const base = await fetch(new URL('/api/rest/v6/baseUris', apiHost), { headers: auth });
  if (!base.ok) throw new Error(`baseUris answered ${base.status}`);
  const { apiAccessPoint } = (await base.json()) as { apiAccessPoint: string };
  const api = new URL('api/rest/v6/', apiAccessPoint.endsWith('/') ? apiAccessPoint : `${apiAccessPoint}/`);
  const listed = await fetch(new URL('webhooks', api), { headers: auth });
  if (!listed.ok) throw new Error(`GET /webhooks answered ${listed.status}`);
  const { userWebhookList = [] } = (await listed.json()) as { userWebhookList?: { id: string; state: string; webhookUrlInfo?: { url?: string } }[] };
  const existing = userWebhookList.find((w) => w.state === 'ACTIVE' && w.webhookUrlInfo?.url === webhookUrl);
  if (existing) return existing.id;
  const body = {
    name,
    scope: 'ACCOUNT',
    state: 'ACTIVE',
    webhookSubscriptionEvents: [
      'AGREEMENT_CREATED',
      'AGREEMENT_ACTION_COMPLETED',
      'AGREEMENT_WORKFLOW_COMPLETED',
      'AGREEMENT_REJECTED',
      'AGREEMENT_EXPIRED',
      'AGREEMENT_RECALLED',
    ],
    webhookUrlInfo: { url: webhookUrl },
  };
  const created = await fetch(new URL('webhooks', api), {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await created.json()) as { id?: string; code?: string; message?: string };
  if (!created.ok || !answer.id) throw new Error(`webhook registration refused: ${created.status} ${answer.code ?? ''} ${answer.message ?? ''}`.trim());
  return answer.id;
}

async function accessToken(apiHost: string, credentials: Credentials): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: credentials.refreshToken,
  });
  const response = await fetch(new URL('/oauth/v2/refresh', apiHost), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (!response.ok) throw new Error(`token refresh answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function latestCode(sandboxUrl: string, link: string): Promise<string | undefined> {
  const agreementId = await fetch(link, { headers: { accept: 'application/json' } }).then(
    async (r) => ((await r.json()) as { agreementId?: string }).agreementId,
  );
  if (!agreementId) return undefined;
  // The page sent this participant's code when it was opened: their newest SMS.
  const sms = (await sandboxMessages(sandboxUrl, { agreementId })).filter((m) => m.channel === 'sms' && m.link === link);
  return /(\d{6})$/.exec(sms.at(-1)?.text ?? '')?.[1];
}

async function postForm(link: string, fields: Record<string, string>): Promise<ParticipantOutcome> {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  });
  const answer = (await response.json()) as ParticipantOutcome & { code?: string; message?: string };
  if (!response.ok) throw new Error(`${answer.code ?? response.status}: ${answer.message ?? 'refused'}`);
  return answer;
}
