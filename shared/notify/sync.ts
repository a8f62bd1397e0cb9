import { createHash } from 'node:crypto';
import type { Queryable } from '../db';
import { isTemplateId, templateCatalog } from './catalog';
import { LOCALES, readTemplateFile, type TemplateFile } from './templates';
import type { Channel, Locale } from './render';

export interface SyncedTemplate {
  templateId: string;
  channel: Channel;
  locale: Locale;
  version: number;
}

/**
 * Brings notify.templates up to the texts authored in the repository (shared/notify/templates/):
 * each template id × channel × locale whose text differs from its current version gets a new
 * version; an unchanged one is left as it is, so running it again changes nothing. Returns the
 * versions written. `files` replaces the repository's texts (tests).
 */
export async function syncTemplates(db: Queryable, files?: Partial<Record<Locale, TemplateFile>>): Promise<SyncedTemplate[]> {
  const written: SyncedTemplate[] = [];
  for (const locale of LOCALES) {
    const file = files?.[locale] ?? readTemplateFile(locale);
    for (const [templateId, texts] of Object.entries(file)) {
      if (!isTemplateId(templateId)) throw new Error(`shared/notify/templates/${locale}.json: ${templateId} is not in shared/notify/catalog.ts`);
      const kind = templateCatalog[templateId].kind;
      const parts: { channel: Channel; subject: string | null; text: string; html: string | null }[] = [
        { channel: 'sms', subject: null, text: texts.sms, html: null },
        { channel: 'email', subject: texts.email.subject, text: texts.email.text, html: texts.email.html ?? null },
      ];
      for (const part of parts) {
        const sha = createHash('sha256')
          .update(JSON.stringify([kind, part.subject, part.text, part.html]))
          .digest('hex');
        const { rows } = await db.query<{ version: number }>(
          `INSERT INTO notify.templates (template_id, channel, locale, version, kind, subject, body_text, body_html, content_sha256)
           SELECT $1::text, $2::text, $3::text, COALESCE(MAX(version), 0) + 1, $4::text, $5::text, $6::text, $7::text, $8::text FROM notify.templates
            WHERE template_id = $1::text AND channel = $2::text AND locale = $3::text
           HAVING (SELECT content_sha256::text FROM notify.current_templates
                    WHERE template_id = $1::text AND channel = $2::text AND locale = $3::text) IS DISTINCT FROM $8::text
           RETURNING version`,
          [templateId, part.channel, locale, kind, part.subject, part.text, part.html, sha],
        );
        if (rows[0]) written.push({ templateId, channel: part.channel, locale, version: rows[0].version });
      }
    }
  }
  return written;
}
