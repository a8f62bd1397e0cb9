import { describe, expect, it } from 'vitest';
import { templateCatalog, type ParameterSpec, type TemplateId } from './catalog';
import { renderableNames, templateValues } from './parameters';
import { renderTemplate, templateParameters } from './render';
import { LOCALES, readTemplateFile } from './templates';

const ids = Object.keys(templateCatalog) as TemplateId[];

/** A value of each kind, as a request carries it. */
function sample(name: string, p: ParameterSpec, locale: string): string | number {
  switch (p.kind) {
    case 'text':
      return name === 'timeZone' ? 'Europe/Madrid' : `${name}-value`;
    case 'code':
      return p.values?.[0] ?? 'code';
    case 'count':
      return 2;
    case 'date':
      return '2027-03-02';
    case 'instant':
      return '2027-03-02T08:30:00.000Z';
    case 'url':
      return `https://ahs.example/${name}/token-123`;
    case 'amountMinor':
      return 123_450;
    case 'currency':
      return locale === 'pl' ? 'PLN' : 'EUR';
  }
}

function samples(id: TemplateId, locale: string, withOptional: boolean) {
  const spec = templateCatalog[id] as { parameters: Record<string, ParameterSpec> };
  return Object.fromEntries(
    Object.entries(spec.parameters)
      .filter(([, p]) => withOptional || !p.optional)
      .map(([name, p]) => [name, sample(name, p, locale)]),
  );
}

describe('message templates (shared/notify/templates/<locale>.json against shared/notify/catalog.ts)', () => {
  for (const locale of LOCALES) {
    const file = readTemplateFile(locale);

    it(`when the ${locale} texts are read, then every template id of the catalog has an SMS and an email (subject, text), and no other id is there`, () => {
      expect(Object.keys(file).sort()).toEqual([...ids].sort());
    });

    it(`when the ${locale} texts are parsed, then each names only the parameters its requests carry`, () => {
      for (const id of ids) {
        const texts = file[id];
        if (!texts) continue;
        const allowed = renderableNames(id);
        for (const [part, source] of [
          ['sms', texts.sms],
          ['subject', texts.email.subject],
          ['text', texts.email.text],
          ['html', texts.email.html ?? ''],
        ] as const) {
          const unknown = [...templateParameters(source)].filter((name) => !allowed.has(name));
          expect(unknown, `${locale} ${id} ${part}`).toEqual([]);
        }
      }
    });

    it(`when every ${locale} template is rendered with and without its optional parameters, then it renders whole (no braces left, the order reference in it when it has one)`, () => {
      for (const id of ids) {
        const texts = file[id];
        if (!texts) continue;
        for (const withOptional of [true, false]) {
          const values = templateValues(id, samples(id, locale, withOptional));
          const sms = renderTemplate({ templateId: id, channel: 'sms', locale, bodyText: texts.sms }, values, { timeZone: 'Europe/Madrid' });
          const email = renderTemplate(
            { templateId: id, channel: 'email', locale, subject: texts.email.subject, bodyText: texts.email.text, bodyHtml: texts.email.html ?? null },
            values,
            { timeZone: 'Europe/Madrid' },
          );
          for (const out of [sms.text, email.subject, email.text, email.html]) {
            expect(out, `${locale} ${id}`).not.toMatch(/[{}]/);
            expect(out, `${locale} ${id}`).not.toMatch(/\bnone\b/);
            if ('orderReference' in values && out !== email.html) expect(`${email.subject} ${email.text}`, `${locale} ${id}`).toContain('orderReference-value');
          }
        }
      }
    });

    it(`when a ${locale} template takes a code, then it renders for every value of it, each its own text`, () => {
      for (const id of ids) {
        const texts = file[id];
        const spec = templateCatalog[id] as { parameters: Record<string, ParameterSpec> };
        for (const [name, p] of Object.entries(spec.parameters)) {
          const textsByValue = new Set<string>();
          for (const value of p.kind === 'code' ? (p.values ?? []) : []) {
            if (!texts) continue;
            const values = templateValues(id, { ...samples(id, locale, true), [name]: value });
            const sms = renderTemplate({ templateId: id, channel: 'sms', locale, bodyText: texts.sms }, values, { timeZone: 'Europe/Madrid' });
            const email = renderTemplate({ templateId: id, channel: 'email', locale, subject: texts.email.subject, bodyText: texts.email.text }, values);
            for (const out of [sms.text, email.subject, email.text]) expect(out, `${locale} ${id} ${name}=${value}`).not.toMatch(/[{}]/);
            textsByValue.add(sms.text);
          }
          // Each value says something of its own (the template branches on it).
          if (p.kind === 'code' && texts) expect(textsByValue.size, `${locale} ${id} ${name}`).toBe(p.values?.length);
        }
      }
    });
  }

  it('when a template names a parameter the request lacks, then rendering fails naming it (never sent half-filled)', () => {
    expect(() => renderTemplate({ templateId: 'wcf.to-sign', channel: 'sms', locale: 'es', bodyText: 'Pedido {orderReference}' }, {})).toThrow(
      'template wcf.to-sign (sms, es) text: parameter orderReference is missing',
    );
  });
});
