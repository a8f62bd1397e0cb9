import { SandboxRefusal, type Agreements } from './agreements';
import type { Answer } from './api';
import { activeOrder, type SandboxAgreement, type SandboxState } from './state';

/**
 * The page a participant opens from the email's link (`/sign/{token}`): plain server-rendered
 * HTML showing the document (an iframe of `/sign/{token}/document`), whose turn it is, and, when
 * it is theirs, a form to sign (with the one-time code for PHONE authentication, "sent" by SMS to
 * the inbox when the page is first opened) or to decline with a reason. The form POSTs to the
 * same URL (`action=sign|decline|send-code`, `code`, `reason`); a client asking for JSON
 * (`accept: application/json`) gets `{agreementId, agreementStatus, participantStatus}`.
 */
export function signingRoute(
  ctx: { state: SandboxState; agreements: Agreements },
  req: { method: string; token: string; rest: string; accept: string; form: URLSearchParams; ip: string | undefined },
): Answer {
  const wantsJson = req.accept.includes('application/json');
  const found = ctx.state.byToken(req.token);
  if (!found) return page(404, 'Link not found', '<p>This signing link is not known.</p>');
  if (req.method === 'GET' && req.rest === 'document') {
    const doc = ctx.state.data.transientDocuments[found.agreement.transientDocumentId];
    if (!doc) return page(404, 'Document not found', '<p>The document is no longer available.</p>');
    return { status: 200, body: Buffer.from(doc.content, 'base64'), headers: { 'content-type': doc.mimeType } };
  }
  if (req.rest !== '') return page(404, 'Not found', '');
  let notice = '';
  try {
    if (req.method === 'POST') notice = act(ctx.agreements, req.token, req.form, req.ip);
    else if (isTurn(ctx.agreements, req.token) && found.member.securityOption?.authenticationMethod === 'PHONE' && !found.member.phoneCode) {
      ctx.agreements.sendCode(req.token);
    }
  } catch (error) {
    if (!(error instanceof SandboxRefusal)) throw error;
    if (wantsJson) return { status: error.status, body: { code: error.code, message: error.message } };
    notice = `<p class="error">${escape(error.message)}</p>`;
  }
  const { agreement, member } = ctx.state.byToken(req.token)!;
  if (wantsJson) return { status: 200, body: { agreementId: agreement.id, agreementStatus: agreement.status, participantStatus: member.status } };
  return page(200, agreement.name, body(ctx.agreements, agreement, req.token, notice));
}

/** A form POST: what was done, as a line for the page. */
function act(agreements: Agreements, token: string, form: URLSearchParams, ip: string | undefined): string {
  const action = form.get('action');
  if (action === 'send-code') {
    agreements.sendCode(token);
    return '<p class="ok">A new code was sent by SMS.</p>';
  }
  if (action === 'sign') {
    agreements.sign(token, { ...(ip ? { ip } : {}), code: form.get('code') ?? '' });
    return '<p class="ok">Thank you: you signed.</p>';
  }
  if (action === 'decline') {
    const reason = (form.get('reason') ?? '').trim();
    if (!reason) throw new SandboxRefusal(400, 'MISSING_REQUIRED_PARAM', 'A reason is needed to decline');
    agreements.decline(token, { reason, ...(ip ? { ip } : {}) });
    return '<p class="ok">You declined this agreement.</p>';
  }
  throw new SandboxRefusal(400, 'INVALID_ARGUMENTS', 'action must be sign, decline or send-code');
}

function isTurn(agreements: Agreements, token: string): boolean {
  try {
    agreements.turnOf(token);
    return true;
  } catch {
    return false;
  }
}

function body(agreements: Agreements, agreement: SandboxAgreement, token: string, notice: string): string {
  const order = activeOrder(agreement);
  const participants = agreement.participantSets
    .slice()
    .sort((a, b) => a.order - b.order)
    .flatMap((s) => s.members.map((m) => ({ set: s, m })))
    .map(({ set, m }) => {
      const you = m.token === token ? ' <strong>(you)</strong>' : '';
      const turn = set.order === order && m.status !== 'COMPLETED' ? ' ← their turn' : '';
      return `<li>${set.order}. ${escape(m.email)} — ${set.role.toLowerCase()} — ${m.status}${you}${turn}</li>`;
    })
    .join('');
  const member = agreement.participantSets.flatMap((s) => s.members).find((m) => m.token === token)!;
  const phone = member.securityOption?.authenticationMethod === 'PHONE';
  const form = isTurn(agreements, token)
    ? `<form method="post">
  ${phone ? '<p>We sent a one-time code by SMS to your phone. <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code"></label> <button name="action" value="send-code" formnovalidate>Send a new code</button></p>' : ''}
  <p><button name="action" value="sign">Sign</button></p>
  <p><label>Reason <input name="reason" size="40"></label> <button name="action" value="decline">Decline</button></p>
</form>`
    : `<p>Nothing to do for you now: the agreement is ${agreement.status}, you are ${member.status}.</p>`;
  return `${notice}
<p>Status: <strong>${agreement.status}</strong>${agreement.expirationTime ? ` — expires ${escape(agreement.expirationTime)}` : ''}</p>
${agreement.message ? `<p>${escape(agreement.message)}</p>` : ''}
<ol class="participants">${participants}</ol>
${form}
<iframe src="/sign/${encodeURIComponent(token)}/document" title="document" width="100%" height="700"></iframe>`;
}

function page(status: number, title: string, content: string): Answer {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} — Adobe Acrobat Sign sandbox</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}.error{color:#b00020}.ok{color:#1b5e20}ol{padding-left:1.2rem}</style>
</head><body><h1>${escape(title)}</h1><p><small>Adobe Acrobat Sign sandbox (local mesh)</small></p>
${content}
</body></html>`;
  return { status, body: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
