import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';

export const PAGE = { width: 595.28, height: 841.89, margin: 50, footer: 40 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;

export interface WriterFonts {
  regular: PDFFont;
  bold: PDFFont;
}

export interface TextStyle {
  size: number;
  bold?: boolean;
}

/**
 * A top-down cursor over A4 pages: each write first makes room, adding a page (and running
 * `onNewPage`, e.g. to repeat a table header) when what comes does not fit on this one.
 */
export class PageWriter {
  private page!: PDFPage;
  y = 0;
  onNewPage: (() => void) | undefined;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: WriterFonts,
  ) {
    this.addPage();
  }

  font(style: TextStyle): PDFFont {
    return style.bold ? this.fonts.bold : this.fonts.regular;
  }

  lineHeight(style: TextStyle): number {
    return style.size * 1.35;
  }

  /** Makes room for `height` points, on a new page if this one is full. */
  ensure(height: number): void {
    if (this.y - height >= PAGE.margin + PAGE.footer) return;
    this.addPage();
    this.onNewPage?.();
  }

  /** One line at `x`; `align: 'right'` puts its right edge at `x`. Does not move the cursor. */
  put(text: string, x: number, style: TextStyle, align: 'left' | 'right' = 'left'): void {
    const font = this.font(style);
    const left = align === 'right' ? x - font.widthOfTextAtSize(text, style.size) : x;
    this.page.drawText(text, { x: left, y: this.y - style.size, size: style.size, font });
  }

  /** A wrapped paragraph across the content width (or `width` from `x`); moves the cursor below it. */
  paragraph(text: string, style: TextStyle, x: number = PAGE.margin, width: number = CONTENT_WIDTH): void {
    for (const line of this.wrap(text, style, width)) {
      this.ensure(this.lineHeight(style));
      this.put(line, x, style);
      this.y -= this.lineHeight(style);
    }
  }

  /**
   * Greedy wrapping on word widths measured once each (the font's layout is the costly part of
   * rendering), plus the space's width between them.
   */
  wrap(text: string, style: TextStyle, width: number): string[] {
    const space = this.measure(' ', style);
    const lines: string[] = [];
    let current: string[] = [];
    let currentWidth = 0;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const wordWidth = this.measure(word, style);
      if (current.length > 0 && currentWidth + space + wordWidth > width) {
        lines.push(current.join(' '));
        current = [];
        currentWidth = 0;
      }
      currentWidth += (current.length > 0 ? space : 0) + wordWidth;
      current.push(word);
    }
    if (current.length > 0) lines.push(current.join(' '));
    return lines;
  }

  private readonly widths = new Map<string, number>();

  private measure(word: string, style: TextStyle): number {
    const key = `${style.bold ? 'b' : 'r'}${style.size}|${word}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      width = this.font(style).widthOfTextAtSize(word, style.size);
      this.widths.set(key, width);
    }
    return width;
  }

  rule(): void {
    this.page.drawLine({
      start: { x: PAGE.margin, y: this.y },
      end: { x: PAGE.width - PAGE.margin, y: this.y },
      thickness: 0.5,
    });
  }

  gap(points: number): void {
    this.y -= points;
  }

  private addPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }
}
