import { CONTENT_WIDTH, PAGE } from '../contracts-document/page-writer';
import type { WcfReserve } from './model';
import { BODY, BOLD, heading, type SectionContext } from './sections';

const INDENT = PAGE.margin + 14;
const INDENTED_WIDTH = CONTENT_WIDTH - 14;

/**
 * The closing form's outcome and its reserves section: the reserves listed, or "no reserves", or
 * the reason of the rejection. The lifting form: the reserves lifted, when and by whom.
 */
export function answer(ctx: SectionContext): void {
  const { w, doc, t } = ctx;
  if (doc.kind === 'lifting') return lifted(ctx);
  heading(ctx, t.answer);
  w.paragraph(t.answerIntro, BODY);
  w.gap(2);
  w.paragraph(`☒ ${t.outcomes[doc.answer.outcome]}`, BOLD, INDENT, INDENTED_WIDTH);
  const a = doc.answer;
  if (a.outcome === 'rejected') {
    heading(ctx, t.rejectionReason);
    w.paragraph(a.reason, BODY);
    return;
  }
  w.gap(4);
  w.paragraph(t.acceptanceNote, { size: 8.5 });
  heading(ctx, t.reserves);
  if (a.outcome === 'accepted') return w.paragraph(t.noReserves, BODY);
  a.reserves.forEach((reserve, index) => item(ctx, index, reserve));
}

function lifted(ctx: SectionContext): void {
  const { w, doc, t, f } = ctx;
  if (doc.kind !== 'lifting') return;
  heading(ctx, t.lifting);
  w.paragraph(t.liftingIntro, BODY);
  w.gap(2);
  doc.liftedReserves.forEach((reserve, index) => {
    item(ctx, index, reserve);
    w.paragraph(`☒ ${t.liftedBy(f.dateTime(reserve.liftedAt), reserve.liftedBy.name)}`, BODY, INDENT, INDENTED_WIDTH);
  });
}

function item({ w, t }: SectionContext, index: number, reserve: WcfReserve): void {
  w.ensure(w.lineHeight(BODY) * 3);
  w.gap(3);
  w.paragraph(`${reserve.seq ?? index + 1}. ${reserve.description}`, BOLD);
  w.paragraph(`${t.location}: ${reserve.location}`, BODY, INDENT, INDENTED_WIDTH);
  if (reserve.photoRefs.length > 0) w.paragraph(`${t.photos}: ${reserve.photoRefs.join(', ')}`, BODY, INDENT, INDENTED_WIDTH);
}
