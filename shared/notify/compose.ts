import type { Queryable } from '../db';
import { PermanentError } from '../errors';
import { isTemplateId } from './catalog';
import { templateValues } from './parameters';
import type { MessageKind } from './consent';
import { renderTemplate, TemplateRenderError, type Channel, type Locale, type TemplateParameters } from './render';

export interface ComposedMessage {
  templateVersion: number;
  kind: MessageKind;
  subject: string | null;
  text: string;
  html: string | null;
}

/**
 * A request's message, rendered from the template version in force (notify.current_templates)
 * in `timeZone` (the order's country's). Whatever makes it unsendable is the requester's and
 * permanent — the request is dead-lettered naming it, never sent half-filled:
 * an undeclared template id (`unknown-template`), no text for the channel and locale
 * (`missing-template`), a parameter the text names and the request lacks (`template-render-failed`).
 */
export async function composeMessage(
  db: Queryable,
  request: { templateId: string; channel: Channel; locale: Locale; parameters: TemplateParameters; timeZone: string },
): Promise<ComposedMessage> {
  const { templateId, channel, locale } = request;
  if (!isTemplateId(templateId)) throw new PermanentError(`message template ${templateId} is not declared`, 'unknown-template');
  const {
    rows: [template],
  } = await db.query<{ version: number; kind: MessageKind; subject: string | null; body_text: string; body_html: string | null }>(
    `SELECT version, kind, subject, body_text, body_html FROM notify.current_templates WHERE template_id = $1 AND channel = $2 AND locale = $3`,
    [templateId, channel, locale],
  );
  if (!template) throw new PermanentError(`message template ${templateId} has no ${channel} text in ${locale}`, 'missing-template');
  try {
    const rendered = renderTemplate(
      { templateId, channel, locale, subject: template.subject, bodyText: template.body_text, bodyHtml: template.body_html },
      templateValues(templateId, request.parameters),
      { timeZone: request.timeZone },
    );
    return { templateVersion: template.version, kind: template.kind, subject: rendered.subject ?? null, text: rendered.text, html: rendered.html ?? null };
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const named = error.parameter ? `: parameter ${error.parameter} is missing` : `: ${error.message}`;
    throw new PermanentError(`message template ${templateId} (${channel}, ${locale}) cannot be rendered${named}`, 'template-render-failed');
  }
}
