import { rgb, type PDFPage } from 'pdf-lib';
import { PAGE } from '../contracts-document/page-writer';
import { BODY, BOLD, heading, type SectionContext } from './sections';

/** The signers in signing order: the customer, the technician, then the store, which validates. */
export const wcfSigners = ['customer', 'technician', 'store'] as const;
export type WcfSigner = (typeof wcfSigners)[number];

/**
 * An Adobe Acrobat Sign text tag, `{{<name>_es_:signer<n>:<type>}}`: Adobe turns it into a field
 * for the n-th participant of the agreement when the document is sent. Each field has its own
 * name (Sig1, Dte2...): text tags of the same name are one field, whose value they share.
 */
export function textTag(type: 'signature' | 'date', signer: WcfSigner): string {
  const n = wcfSigners.indexOf(signer) + 1;
  return `{{${type === 'signature' ? 'Sig' : 'Dte'}${n}_es_:signer${n}:${type}}}`;
}

const LABEL_WIDTH = 70;
/** The first brace's size sets the field's height, the tag's width the field's width. */
const SIGNATURE_TAG_SIZE = 16;
const DATE_TAG_SIZE = 10;
const WHITE = rgb(1, 1, 1);
/** A block: its gaps, the role and name (one line), the signature line and the date line. */
const BLOCK_HEIGHT = 8 + BOLD.size * 1.35 + 8 + (SIGNATURE_TAG_SIZE + DATE_TAG_SIZE) * 1.35 + 4;

/**
 * One block per signer, in signing order: the role and the name, then the signature and the date
 * fields as text tags (unless `withTags` is false), drawn white over a visible line: Adobe reads
 * the tags, a printed form shows blank lines to sign on.
 */
export function signatures(ctx: SectionContext, currentPage: () => PDFPage, withTags: boolean): void {
  const { w, doc, t } = ctx;
  // The three blocks stay together, on one page.
  w.ensure(w.lineHeight(BOLD) * 3 + wcfSigners.length * BLOCK_HEIGHT);
  heading(ctx, t.signatures);
  const names: Record<WcfSigner, [string, string]> = {
    customer: [t.roles.customer, doc.customer.name],
    technician: [t.roles.technician, `${doc.technician.name} (${doc.provider.name})`],
    store: [t.roles.store, doc.store.name],
  };
  for (const signer of wcfSigners) {
    const [role, name] = names[signer];
    w.ensure(BLOCK_HEIGHT); // a block is never split
    w.gap(8);
    w.paragraph(`${wcfSigners.indexOf(signer) + 1}. ${role}: ${name}`, BOLD);
    w.gap(8);
    field(ctx, currentPage(), t.signatureLabel, textTag('signature', signer), SIGNATURE_TAG_SIZE, withTags);
    w.gap(4);
    field(ctx, currentPage(), t.signatureDate, textTag('date', signer), DATE_TAG_SIZE, withTags);
  }
}

function field({ w }: SectionContext, page: PDFPage, label: string, tag: string, size: number, withTag: boolean): void {
  const font = w.fonts.regular;
  const x = PAGE.margin + LABEL_WIDTH;
  const top = w.y;
  const baseline = top - size;
  w.y = baseline + BODY.size; // the label on the tag's baseline
  w.put(`${label}:`, PAGE.margin, BODY);
  w.y = top;
  if (withTag) page.drawText(tag, { x, y: baseline, size, font, color: WHITE });
  const end = x + font.widthOfTextAtSize(tag, size);
  page.drawLine({ start: { x, y: baseline - 2 }, end: { x: end, y: baseline - 2 }, thickness: 0.5 });
  w.y -= size * 1.35;
}
