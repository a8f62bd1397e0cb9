import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { contractLanguages } from '../contracts-document/model';
import { renderWorkClosingForm, textTag, WcfDocumentInputError, wcfSigners, wcfTemplates, type WcfDocument } from '.';
import { oneSpace, pagesText, sampleClosingForm, sampleLiftingForm, sampleReserves } from './testing';

const textOf = async (doc: WcfDocument, options?: { textTags?: boolean }) => (await pagesText(await renderWorkClosingForm(doc, undefined, options))).join(' ');

describe('renderWorkClosingForm', () => {
  it.each(contractLanguages)(
    'when the customer speaks %s, then the PDF parses and reads back the title, parties, work, time on site and answer',
    async (language) => {
      const form = sampleClosingForm(language);
      const bytes = await renderWorkClosingForm(form);
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getTitle()).toBe(`${wcfTemplates[language].titles.closing} ${form.formId}`);
      const text = (await pagesText(bytes)).join(' ');
      const t = wcfTemplates[language];
      for (const expected of [t.titles.closing, form.orderReference, form.customer.name, form.store.name, form.provider.name, form.technician.name]) {
        expect(text).toContain(expected);
      }
      for (const line of form.lines) expect(text).toContain(line.description);
      expect(text).toContain(`${t.timeOnSite}: ${t.visitCount(2, t.duration(9, 30))}`);
      expect(text).toContain(t.outcomes.accepted);
      expect(text).toContain(t.noReserves);
    },
  );

  it('when writing the time on site, then each language counts the visits and the hours its own way', () => {
    expect(wcfTemplates.fr.visitCount(2, wcfTemplates.fr.duration(9, 30))).toBe('2 interventions, 9 h 30 min');
    expect(wcfTemplates.es.visitCount(1, wcfTemplates.es.duration(4, 0))).toBe('1 visita, 4 h');
    expect(wcfTemplates.it.visitCount(3, wcfTemplates.it.duration(0, 45))).toBe('3 interventi, 45 min');
    expect(wcfTemplates.pl.visitCount(2, wcfTemplates.pl.duration(9, 30))).toBe('2 wizyty, 9 godz. 30 min');
    expect(wcfTemplates.pl.visitCount(5, wcfTemplates.pl.duration(12, 0))).toBe('5 wizyt, 12 godz.');
  });

  it('when the visits are shown, then they read in the country’s local time', async () => {
    const text = await textOf(sampleClosingForm('fr'));
    expect(text).toContain('Heures locales (Europe/Paris)');
    expect(text).toContain('mardi 12 janvier 2027, 08:00 – 12:30');
    expect(text).toContain('mercredi 13 janvier 2027, 09:00 – 14:00');
  });

  it('when the customer accepts with reserves, then the form lists each reserve, its location and photos', async () => {
    const reserves = sampleReserves('fr');
    const text = await textOf(sampleClosingForm('fr', { outcome: 'accepted-with-reserves', reserves }));
    expect(text).toContain('Réception prononcée avec réserves');
    expect(text).toContain('garantie de parfait achèvement');
    expect(text).not.toContain('Aucune réserve.');
    expect(text).toContain('1. Porte du meuble haut mal alignée');
    expect(text).toContain('Emplacement: Cuisine, mur nord');
    expect(text).toContain('Photos: wcf/photo-1.jpg, wcf/photo-2.jpg');
    expect(text).toContain('2. Joint silicone incomplet autour de l’évier');
  });

  it('when the customer rejects the work, then the form shows the rejection and its reason, and no reserves section', async () => {
    const reason = 'Le plan de travail est fissuré sur toute sa longueur';
    const text = await textOf(sampleClosingForm('fr', { outcome: 'rejected', reason }));
    expect(text).toContain('Réception refusée');
    expect(text).toContain(`Motif du refus ${reason}`);
    expect(text).not.toContain('Aucune réserve.');
    expect(text).not.toContain('parfait achèvement');
  });

  it.each(contractLanguages)('when the reserves were lifted (%s), then the lifting form lists each, when and by whom', async (language) => {
    const form = sampleLiftingForm(language);
    const t = wcfTemplates[language];
    const text = await textOf(form);
    expect(text).toContain(t.titles.lifting);
    expect(text).toContain(t.lifting);
    expect(text).not.toContain(t.answer);
    for (const reserve of form.liftedReserves) expect(text).toContain(reserve.description);
    expect(text).toContain(`${t.timeOnSite}: ${t.visitCount(1, t.duration(1, 45))}`);
  });

  it('when the reserves were lifted, then each reads its number on the closing form, the local date and time and the technician', async () => {
    const text = await textOf(sampleLiftingForm('fr'));
    expect(text).toContain('Levée des réserves');
    expect(text).toContain('Levée le 20 janvier 2027 à 10:30 par Jérôme Lefèbvre');
    const [, second] = sampleLiftingForm('fr').liftedReserves;
    const onlySecond = await textOf({ ...sampleLiftingForm('fr'), liftedReserves: [{ ...second!, seq: 2 }] });
    expect(onlySecond).toContain(`2. ${second!.description}`);
  });

  it('when the form is rendered, then the customer, technician and store sign in that order, as signer1, 2 and 3', async () => {
    const text = await textOf(sampleClosingForm('es'));
    const tags = wcfSigners.flatMap((signer) => [textTag('signature', signer), textTag('date', signer)]);
    expect(tags.slice(0, 2)).toEqual(['{{Sig1_es_:signer1:signature}}', '{{Dte1_es_:signer1:date}}']);
    expect(tags[4]).toBe('{{Sig3_es_:signer3:signature}}');
    const positions = tags.map((tag) => text.indexOf(tag));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const roles = [wcfTemplates.es.roles.customer, wcfTemplates.es.roles.technician, wcfTemplates.es.roles.store];
    const blocks = roles.map((role, i) => text.indexOf(`${i + 1}. ${role}`));
    expect(blocks.every((p, i) => p >= 0 && p < positions[2 * i]!)).toBe(true);
  });

  it('when the text tags are turned off, then the form has the signature blocks without any tag', async () => {
    const text = await textOf(sampleClosingForm('it'), { textTags: false });
    expect(text).toContain('3. Il negozio');
    expect(text).not.toContain('{{');
  });

  it('when the lines overflow a page, then the form goes on over numbered pages', async () => {
    const form = sampleClosingForm('pl');
    const lines = Array.from({ length: 60 }, (_, i) => ({ description: `Usługa montażowa nr ${i + 1}`, quantity: 1 + (i % 3) }));
    const pages = await pagesText(await renderWorkClosingForm({ ...form, lines }));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, index) => expect(page).toContain(`Strona ${index + 1} z ${pages.length}`));
    for (const line of lines) expect(pages.join(' ')).toContain(oneSpace(line.description));
  });

  it('when a field is missing or wrong, then the form is refused naming each field', async () => {
    const { customer: _customer, ...rest } = sampleClosingForm('es');
    const missing = { ...rest, customer: { address: _customer.address }, timeZone: 'Europe/Atlantis' } as unknown as WcfDocument;
    const refusal = renderWorkClosingForm(missing);
    await expect(refusal).rejects.toBeInstanceOf(WcfDocumentInputError);
    await expect(refusal).rejects.toThrow(/customer\.name/);
    await expect(refusal).rejects.toThrow(/timeZone: an IANA time zone/);
    const noReserves = renderWorkClosingForm(sampleClosingForm('it', { outcome: 'accepted-with-reserves', reserves: [] }));
    await expect(noReserves).rejects.toThrow(/answer\.reserves: /);
    const backwards = sampleClosingForm('pl');
    backwards.visits[1] = { checkedInAt: '2027-01-13T13:00:00Z', checkedOutAt: '2027-01-13T08:00:00Z' };
    await expect(renderWorkClosingForm(backwards)).rejects.toThrow(/visits\.1\.checkedOutAt: after checkedInAt/);
    const unknownKind = renderWorkClosingForm({ ...sampleLiftingForm('fr'), kind: 'other' } as unknown as WcfDocument);
    await expect(unknownKind).rejects.toThrow(/kind: /);
  });
});
