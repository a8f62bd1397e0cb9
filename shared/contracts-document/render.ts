import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { loadContractFonts, type ContractFonts } from './fonts';
import { formattersFor } from './format';
import { parseContractDocument, type ContractDocument } from './model';
import { PAGE, PageWriter } from './page-writer';
import * as section from './sections';
import { contractTemplates } from './templates';

export interface RenderOptions {
  /** The TrueType fonts to embed; default DejaVu Sans from the dejavu-fonts-ttf package. */
  fonts?: ContractFonts;
}

/**
 * The customer's pre-service contract as a PDF, in the customer's language (ES, FR, IT, PL):
 * parties, lines with list price, channel adjustment and total, the order's total, the TV
 * adjustments when there were any, the terms and the signature fields. The fonts are embedded
 * (subset), so the text reads and extracts with its diacritics everywhere. The model is checked
 * first: a bad one is refused with a ContractDocumentInputError naming each field.
 */
export async function renderContract(input: ContractDocument, options: RenderOptions = {}): Promise<Uint8Array> {
  const doc = parseContractDocument(input);
  const fonts = options.fonts ?? loadContractFonts();
  const t = contractTemplates[doc.customer.language];
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  // fontkit parses the fonts per document: a parsed font shared across documents corrupts the
  // glyph mapping of the later documents' subsets (letters vanish from the text).
  const [regular, bold] = await Promise.all([pdf.embedFont(fonts.regular, { subset: true }), pdf.embedFont(fonts.bold, { subset: true })]);
  const when = new Date(`${doc.date}T00:00:00Z`);
  pdf.setTitle(`${t.title} ${doc.contractId}`);
  pdf.setSubject(`${t.orderReference}: ${doc.orderReference}`);
  pdf.setAuthor(doc.store.name);
  pdf.setLanguage(doc.customer.language);
  pdf.setCreator('AHS Field Service');
  pdf.setProducer('AHS Field Service');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);

  const ctx: section.SectionContext = {
    w: new PageWriter(pdf, { regular, bold }),
    doc,
    t,
    f: formattersFor(doc.customer.language, doc.currency),
  };
  section.header(ctx);
  section.parties(ctx);
  section.lines(ctx);
  section.totals(ctx);
  section.tvAdjustments(ctx);
  section.totalDue(ctx);
  section.terms(ctx);
  section.signatures(ctx);

  const pages = pdf.getPages();
  pages.forEach((page, index) => {
    const label = `${doc.contractId} · ${t.page(index + 1, pages.length)}`;
    const size = 8;
    page.drawText(label, {
      x: PAGE.width - PAGE.margin - regular.widthOfTextAtSize(label, size),
      y: PAGE.margin / 2,
      size,
      font: regular,
    });
  });
  return pdf.save();
}
