import { CONTENT_WIDTH, PAGE, type PageWriter, type TextStyle } from '../contracts-document/page-writer';
import { minutesOnSite, type WcfFormatters } from './format';
import type { WcfDocument } from './model';
import type { WcfTemplate } from './templates';

export interface SectionContext {
  w: PageWriter;
  doc: WcfDocument;
  t: WcfTemplate;
  f: WcfFormatters;
}

export const BODY: TextStyle = { size: 9.5 };
export const BOLD: TextStyle = { size: 9.5, bold: true };
const HEADING: TextStyle = { size: 11.5, bold: true };
const SMALL: TextStyle = { size: 8.5 };
const RIGHT = PAGE.width - PAGE.margin;

export function heading({ w }: SectionContext, text: string): void {
  w.ensure(w.lineHeight(HEADING) * 3);
  w.gap(8);
  w.paragraph(text, HEADING);
  w.gap(2);
}

export function header({ w, doc, t, f }: SectionContext): void {
  w.paragraph(t.titles[doc.kind], { size: 17, bold: true });
  w.gap(6);
  const meta: [string, string][] = [
    [t.formNumber, doc.formId],
    [t.orderReference, doc.orderReference],
    [t.date, f.date(doc.date)],
  ];
  for (const [label, value] of meta) w.paragraph(`${label}: ${value}`, BODY);
}

/** Customer and store with their addresses, then the provider and its technician: role, then name. */
export function parties(ctx: SectionContext): void {
  const { doc, t, f } = ctx;
  heading(ctx, t.parties);
  columns(ctx, [
    [t.roles.customer, [doc.customer.name, ...f.address(doc.customer.address)]],
    [t.roles.store, [doc.store.name, ...f.address(doc.store.address)]],
  ]);
  ctx.w.gap(6);
  columns(ctx, [
    [t.roles.provider, [doc.provider.name]],
    [t.roles.technician, [doc.technician.name]],
  ]);
}

/** Side-by-side blocks, each a bold title over its lines, wrapped to the block's width. */
function columns({ w }: SectionContext, blocks: [string, string[]][]): void {
  const width = CONTENT_WIDTH / blocks.length - 10;
  const wrapped = blocks.map(([title, lines]) => [w.wrap(title, BOLD, width), lines.flatMap((line) => w.wrap(line, BODY, width))] as const);
  const rows = Math.max(...wrapped.map(([title, lines]) => title.length + lines.length));
  w.ensure(rows * w.lineHeight(BODY));
  const top = w.y;
  wrapped.forEach(([title, lines], index) => {
    const x = PAGE.margin + (index * CONTENT_WIDTH) / blocks.length;
    w.y = top;
    for (const [text, style] of [...title.map((l) => [l, BOLD] as const), ...lines.map((l) => [l, BODY] as const)]) {
      w.put(text, x, style);
      w.y -= w.lineHeight(style);
    }
  });
  w.y = top - rows * w.lineHeight(BODY);
}

const COLUMN_HEADER: TextStyle = { size: 8.5, bold: true };
const DESCRIPTION_WIDTH = CONTENT_WIDTH - 60;

function tableHeader({ w, t }: SectionContext): void {
  w.put(t.columns.description, PAGE.margin, COLUMN_HEADER);
  w.put(t.columns.quantity, RIGHT, COLUMN_HEADER, 'right');
  w.y -= w.lineHeight(COLUMN_HEADER) + 2;
  w.rule();
  w.gap(4);
}

/** The order lines done, over as many pages as they need, the column header repeated on each. */
export function workDone(ctx: SectionContext): void {
  const { w, doc } = ctx;
  heading(ctx, ctx.t.workDone);
  w.ensure(w.lineHeight(BOLD) * 3);
  tableHeader(ctx);
  w.onNewPage = () => tableHeader(ctx);
  for (const line of doc.lines) {
    const description = w.wrap(line.description, BODY, DESCRIPTION_WIDTH);
    w.ensure(description.length * w.lineHeight(BODY));
    w.put(String(line.quantity), RIGHT, BODY, 'right');
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

/** Each day on site in the country's local time, then the total time on site. */
export function visits(ctx: SectionContext): void {
  const { w, doc, t, f } = ctx;
  heading(ctx, t.visits);
  w.paragraph(t.localTime(doc.timeZone), SMALL);
  w.gap(2);
  for (const visit of doc.visits) {
    const sameDay = f.day(visit.checkedInAt) === f.day(visit.checkedOutAt);
    const end = sameDay ? f.time(visit.checkedOutAt) : `${f.day(visit.checkedOutAt)} ${f.time(visit.checkedOutAt)}`;
    w.paragraph(`• ${f.day(visit.checkedInAt)}, ${f.time(visit.checkedInAt)} – ${end}`, BODY, PAGE.margin + 10, CONTENT_WIDTH - 10);
  }
  const minutes = minutesOnSite(doc.visits);
  const total = t.visitCount(doc.visits.length, t.duration(Math.floor(minutes / 60), minutes % 60));
  w.gap(2);
  w.paragraph(`${t.timeOnSite}: ${total}`, BOLD);
}
