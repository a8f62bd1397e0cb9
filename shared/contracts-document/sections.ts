import type { Formatters } from './format';
import type { ContractDocument } from './model';
import { CONTENT_WIDTH, PAGE, type PageWriter, type TextStyle } from './page-writer';
import type { ContractTemplate } from './templates';

export interface SectionContext {
  w: PageWriter;
  doc: ContractDocument;
  t: ContractTemplate;
  f: Formatters;
}

const BODY: TextStyle = { size: 9.5 };
const BOLD: TextStyle = { size: 9.5, bold: true };
const HEADING: TextStyle = { size: 11.5, bold: true };
const SMALL: TextStyle = { size: 8.5 };
const RIGHT = PAGE.width - PAGE.margin;

function heading({ w }: SectionContext, text: string): void {
  w.ensure(w.lineHeight(HEADING) * 3);
  w.gap(8);
  w.paragraph(text, HEADING);
  w.gap(2);
}

export function header({ w, doc, t, f }: SectionContext): void {
  w.paragraph(t.title, { size: 17, bold: true });
  w.gap(6);
  const meta: [string, string][] = [
    [t.contractNumber, doc.contractId],
    [t.orderReference, doc.orderReference],
    [t.date, f.date(doc.date)],
    [t.salesChannel, t.channels[doc.salesChannel]],
  ];
  for (const [label, value] of meta) w.paragraph(`${label}: ${value}`, BODY);
}

export function parties(ctx: SectionContext): void {
  const { w, doc, t, f } = ctx;
  heading(ctx, t.parties);
  const half = CONTENT_WIDTH / 2;
  const columns: [number, string, string[]][] = [
    [PAGE.margin, `${t.seller}: ${doc.store.name}`, f.address(doc.store.address)],
    [PAGE.margin + half, `${t.customer}: ${doc.customer.name}`, f.address(doc.customer.address)],
  ];
  const rows = Math.max(...columns.map(([, , address]) => address.length + 1));
  w.ensure(rows * w.lineHeight(BODY));
  const top = w.y;
  for (const [x, title, address] of columns) {
    w.y = top;
    w.put(title, x, BOLD);
    for (const line of address) {
      w.y -= w.lineHeight(BODY);
      w.put(line, x, BODY);
    }
  }
  w.y = top - rows * w.lineHeight(BODY);
}

const COLUMNS = { quantity: 270, listPrice: 365, adjustment: 460, total: RIGHT } as const;
const DESCRIPTION_WIDTH = 185;
const COLUMN_HEADER: TextStyle = { size: 8.5, bold: true };

function tableHeader({ w, t }: SectionContext): void {
  w.put(t.columns.description, PAGE.margin, COLUMN_HEADER);
  w.put(t.columns.quantity, COLUMNS.quantity, COLUMN_HEADER, 'right');
  w.put(t.columns.listPrice, COLUMNS.listPrice, COLUMN_HEADER, 'right');
  w.put(t.columns.adjustment, COLUMNS.adjustment, COLUMN_HEADER, 'right');
  w.put(t.columns.total, COLUMNS.total, COLUMN_HEADER, 'right');
  w.y -= w.lineHeight(COLUMN_HEADER) + 2;
  w.rule();
  w.gap(4);
}

/** The lines, over as many pages as they need, the column header repeated on each. */
export function lines(ctx: SectionContext): void {
  const { w, doc, f } = ctx;
  heading(ctx, ctx.t.scope);
  w.ensure(w.lineHeight(BOLD) * 3);
  tableHeader(ctx);
  w.onNewPage = () => tableHeader(ctx);
  for (const line of doc.lines) {
    const description = w.wrap(line.description, BODY, DESCRIPTION_WIDTH);
    w.ensure(description.length * w.lineHeight(BODY));
    w.put(String(line.quantity), COLUMNS.quantity, BODY, 'right');
    w.put(f.money(line.listPriceMinor), COLUMNS.listPrice, BODY, 'right');
    w.put(f.money(line.channelAdjustmentMinor), COLUMNS.adjustment, BODY, 'right');
    w.put(f.money(line.totalMinor), COLUMNS.total, BODY, 'right');
    for (const text of description) {
      w.put(text, PAGE.margin, BODY);
      w.y -= w.lineHeight(BODY);
    }
    w.gap(2);
  }
  w.onNewPage = undefined;
  w.rule();
  w.gap(4);
}

function amount({ w }: SectionContext, label: string, value: string, style: TextStyle = BODY): void {
  w.ensure(w.lineHeight(style));
  w.put(label, COLUMNS.listPrice - 60, style);
  w.put(value, RIGHT, style, 'right');
  w.y -= w.lineHeight(style);
}

export function totals(ctx: SectionContext): void {
  const { w, doc, t, f } = ctx;
  w.ensure(w.lineHeight(BODY) * 3 + 4);
  amount(ctx, t.listPriceTotal, f.money(doc.order.listPriceMinor));
  amount(ctx, t.channelAdjustmentTotal, f.money(doc.order.channelAdjustmentMinor));
  amount(ctx, t.orderTotal, f.money(doc.order.totalMinor), BOLD);
}

export function tvAdjustments(ctx: SectionContext): void {
  const { w, doc, t, f } = ctx;
  const tv = doc.tvAdjustments;
  if (!tv) return;
  heading(ctx, t.tvHeading);
  w.paragraph(t.tvIntro, BODY);
  for (const line of tv.lines) {
    w.paragraph(`• ${line.change === 'add' ? t.tvAdded : t.tvRemoved}: ${line.description}`, BODY, PAGE.margin + 10);
  }
  w.gap(4);
  amount(ctx, t.tvExtraCost, f.money(tv.extraCostMinor));
}

export function totalDue(ctx: SectionContext): void {
  const extra = ctx.doc.tvAdjustments?.extraCostMinor ?? 0;
  ctx.w.gap(4);
  amount(ctx, ctx.t.totalDue, ctx.f.money(ctx.doc.order.totalMinor + extra), { size: 11, bold: true });
}

export function terms(ctx: SectionContext): void {
  const { w, t } = ctx;
  heading(ctx, t.termsHeading);
  for (const term of t.terms) {
    w.ensure(w.lineHeight(SMALL) * 3);
    w.paragraph(term.heading, { size: 8.5, bold: true });
    w.paragraph(term.body, SMALL);
    w.gap(4);
  }
}

export function signatures({ w, t }: SectionContext): void {
  w.ensure(90);
  w.gap(40);
  w.rule();
  w.gap(4);
  w.put(t.signatures.customer, PAGE.margin, BODY);
  w.put(t.signatures.seller, PAGE.margin + CONTENT_WIDTH / 2, BODY);
  w.y -= w.lineHeight(BODY);
}
