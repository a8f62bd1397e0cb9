import { describe, expect, it } from 'vitest';
import { ContractDocumentInputError, contractLanguages, renderContract, type ContractDocument } from '.';
import { formattersFor } from './format';
import { contractTemplates } from './templates';
import { oneSpace, pagesText, sampleContract } from './testing';

describe('renderContract', () => {
  it.each(contractLanguages)(
    'when the customer speaks %s, then the PDF reads back with the accented name, the localized heading and total',
    async (language) => {
      const contract = sampleContract(language);
      const text = (await pagesText(await renderContract(contract))).join(' ');
      const t = contractTemplates[language];
      expect(text).toContain(contract.customer.name);
      expect(text).toContain(t.title);
      expect(text).toContain(t.terms[2]!.heading);
      const total = formattersFor(language, contract.currency).money(contract.order.totalMinor);
      expect(text).toContain(oneSpace(total));
    },
  );

  it('when formatting the totals, then each locale writes them its own way', () => {
    expect(oneSpace(formattersFor('es', 'EUR').money(1_163_456))).toBe('11.634,56 €');
    expect(oneSpace(formattersFor('fr', 'EUR').money(1_163_456))).toBe('11 634,56 €');
    expect(oneSpace(formattersFor('it', 'EUR').money(1_163_456))).toBe('11.634,56 €');
    expect(oneSpace(formattersFor('pl', 'PLN').money(1_163_456))).toBe('11 634,56 zł');
  });

  it('when the TV asked for changes, then the contract shows each one, the extra cost and the total due', async () => {
    const contract: ContractDocument = {
      ...sampleContract('fr'),
      tvAdjustments: {
        lines: [
          { change: 'add', description: 'Prise électrique supplémentaire' },
          { change: 'remove', description: 'Dépose de l’ancien évier' },
        ],
        extraCostMinor: 5_000,
      },
    };
    const text = (await pagesText(await renderContract(contract))).join(' ');
    const f = formattersFor('fr', 'EUR');
    expect(text).toContain('Ajustements après la visite technique');
    expect(text).toContain('Ajouté: Prise électrique supplémentaire');
    expect(text).toContain('Supprimé: Dépose de l’ancien évier');
    expect(text).toContain(oneSpace(f.money(5_000)));
    expect(text).toContain(oneSpace(f.money(contract.order.totalMinor + 5_000)));
  });

  it('when there was no TV adjustment, then the contract has no adjustments section', async () => {
    const text = (await pagesText(await renderContract(sampleContract('fr')))).join(' ');
    expect(text).not.toContain('Ajustements après la visite technique');
  });

  it('when the lines overflow a page, then the table goes on over numbered pages and every line is there', async () => {
    const contract = sampleContract('pl', 60);
    const pages = await pagesText(await renderContract(contract));
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, index) => expect(page).toContain(`Strona ${index + 1} z ${pages.length}`));
    expect(pages[1]).toContain(contractTemplates.pl.columns.listPrice);
    const text = pages.join(' ');
    const lineTotals = contract.lines.map((line) => oneSpace(formattersFor('pl', 'PLN').money(line.totalMinor)));
    for (const total of lineTotals) expect(text).toContain(total);
  });

  it('when a field is missing or wrong, then the contract is refused naming each field', async () => {
    const { customer, ...rest } = sampleContract('es');
    const missing = { ...rest, customer: { address: customer.address, language: 'de' } } as unknown as ContractDocument;
    const refusal = renderContract(missing);
    await expect(refusal).rejects.toBeInstanceOf(ContractDocumentInputError);
    await expect(refusal).rejects.toThrow(/customer\.name/);
    await expect(refusal).rejects.toThrow(/customer\.language/);
    const noLines = renderContract({ ...sampleContract('it'), lines: [] });
    await expect(noLines).rejects.toThrow(/lines: /);
  });
});
