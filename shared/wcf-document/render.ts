import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont } from 'pdf-lib';
import { loadContractFonts, type ContractFonts } from '../contracts-document/fonts';
import { PAGE, PageWriter } from '../contracts-document/page-writer';
import { answer } from './answer';
import { wcfFormattersFor } from './format';
import { parseWcfDocument, type WcfDocument } from './model';
import * as section from './sections';
import { signatures } from './signatures';
import { wcfTemplates, type WcfTemplate } from './templates';

export interface WcfRenderOptions {
  /**
   * Whether the signature blocks carry the Adobe Acrobat Sign text tags (default true); false for
   * a copy that is not sent to Adobe (a preview, a paper copy): the blank lines stay.
   */
  textTags?: boolean;
}

/**
 * The Work Closing Form (`kind: 'closing'`) or the lifting-of-reserves form (`kind: 'lifting'`)
 * as a PDF in the customer's language (ES, FR, IT, PL): title, order reference, parties, work
 * done, the days on site in local time and the total time on site, the customer's answer and the
 * reserves (or the reserves lifted), then the signature blocks of the customer, the technician
 * and the store, in signing order, as Adobe Acrobat Sign text tags for signer1, signer2 and
 * signer3. `fonts`: the TrueType fonts to embed, default DejaVu Sans from the dejavu-fonts-ttf
 * package, as the contract's. The model is checked first: a bad one is refused with a
 * WcfDocumentInputError naming each field.
 */
export async function renderWorkClosingForm(
  input: WcfDocument,
  fonts: ContractFonts = loadContractFonts(),
  options: WcfRenderOptions = {},
): Promise<Uint8Array> {
  const doc = parseWcfDocument(input);
  const t = wcfTemplates[doc.language];
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  // One parse per document, as the contract does: a fontkit font shared across documents breaks their subsets.
  const [regular, bold] = await Promise.all([pdf.embedFont(fonts.regular, { subset: true }), pdf.embedFont(fonts.bold, { subset: true })]);
  describe(pdf, doc, t);

  const ctx: section.SectionContext = {
    w: new PageWriter(pdf, { regular, bold }),
    doc,
    t,
    f: wcfFormattersFor(doc.language, doc.timeZone),
  };
  section.header(ctx);
  section.parties(ctx);
  section.workDone(ctx);
  section.visits(ctx);
  answer(ctx);
  // The writer only ever appends pages: the one it writes on is the last.
  signatures(ctx, () => pdf.getPage(pdf.getPageCount() - 1), options.textTags ?? true);
  footer(pdf, doc, t, regular);
  return pdf.save();
}

function describe(pdf: PDFDocument, doc: WcfDocument, t: WcfTemplate): void {
  const when = new Date(`${doc.date}T00:00:00Z`);
  pdf.setTitle(`${t.titles[doc.kind]} ${doc.formId}`);
  pdf.setSubject(`${t.orderReference}: ${doc.orderReference}`);
  pdf.setAuthor(doc.store.name);
  pdf.setLanguage(doc.language);
  pdf.setCreator('AHS Field Service');
  pdf.setProducer('AHS Field Service');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
}

function footer(pdf: PDFDocument, doc: WcfDocument, t: WcfTemplate, font: PDFFont): void {
  const pages = pdf.getPages();
  pages.forEach((page, index) => {
    const label = `${doc.formId} · ${t.page(index + 1, pages.length)}`;
    const size = 8;
    page.drawText(label, { x: PAGE.width - PAGE.margin - font.widthOfTextAtSize(label, size), y: PAGE.margin / 2, size, font });
  });
}
