import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/db';
import { syncTemplates } from './sync';
import type { TemplateFile } from './templates';

const db = useTestDb();

const file = (sms: string): TemplateFile => ({
  'wcf.to-sign': { sms, email: { subject: 'Pedido {orderReference}', text: 'Firme el formulario del pedido {orderReference}.' } },
});
const versions = async (locale: string, channel: string) =>
  (
    await db.query<{ version: number; body_text: string }>(
      `SELECT version, body_text FROM notify.templates WHERE template_id = 'wcf.to-sign' AND locale = $1 AND channel = $2 ORDER BY version`,
      [locale, channel],
    )
  ).rows;
const current = async (locale: string, channel: string) =>
  (
    await db.query<{ version: number; body_text: string; kind: string }>(
      `SELECT version, body_text, kind FROM notify.current_templates WHERE template_id = 'wcf.to-sign' AND locale = $1 AND channel = $2`,
      [locale, channel],
    )
  ).rows[0];

describe('notify.templates sync', () => {
  it('when the texts are synced, then each changed text gets a new version and the old ones stay; synced again, nothing changes', async () => {
    const files = {
      es: file('SMS uno {orderReference}'),
      fr: file('SMS un {orderReference}'),
      it: file('SMS uno {orderReference}'),
      pl: file('SMS jeden {orderReference}'),
    };
    const before = (await versions('es', 'sms')).length;
    const first = await syncTemplates(db, files);
    expect(first.filter((t) => t.templateId === 'wcf.to-sign')).toHaveLength(8);
    expect(await current('es', 'sms')).toEqual({ version: before + 1, body_text: 'SMS uno {orderReference}', kind: 'transactional' });
    expect(await syncTemplates(db, files)).toEqual([]);

    const second = await syncTemplates(db, { ...files, es: file('SMS dos {orderReference}') });
    expect(second).toEqual([{ templateId: 'wcf.to-sign', channel: 'sms', locale: 'es', version: before + 2 }]);
    expect((await versions('es', 'sms')).slice(-2).map((v) => v.body_text)).toEqual(['SMS uno {orderReference}', 'SMS dos {orderReference}']);
    expect(await current('es', 'email')).toMatchObject({ version: (await versions('es', 'email')).length });
  });

  it('when a file names a template the catalog does not declare, then the sync refuses it and writes nothing of it', async () => {
    const bad = { 'wcf.unknown-thing': { sms: 'x', email: { subject: 'x', text: 'x' } } } as TemplateFile;
    await expect(syncTemplates(db, { es: bad, fr: {}, it: {}, pl: {} })).rejects.toThrow('wcf.unknown-thing is not in shared/notify/catalog.ts');
    expect((await db.query(`SELECT 1 FROM notify.templates WHERE template_id = 'wcf.unknown-thing'`)).rows).toEqual([]);
  });
});
