import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Locale } from './render';

export const LOCALES: readonly Locale[] = ['es', 'fr', 'it', 'pl'];

/** A locale's file (shared/notify/templates/<locale>.json): each template id's SMS and email texts. */
export const templateFileSchema = z.record(
  z.string(),
  z.strictObject({
    sms: z.string().trim().min(1),
    email: z.strictObject({ subject: z.string().trim().min(1), text: z.string().trim().min(1), html: z.string().trim().min(1).optional() }),
  }),
);
export type TemplateFile = z.infer<typeof templateFileSchema>;

/** The texts of a locale as authored in the repository (read where this module lies, bundled or not). */
export function readTemplateFile(locale: Locale, dir = path.join(__dirname, 'templates')): TemplateFile {
  return templateFileSchema.parse(JSON.parse(readFileSync(path.join(dir, `${locale}.json`), 'utf8')));
}
