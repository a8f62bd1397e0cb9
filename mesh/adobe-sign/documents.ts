import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { SandboxAgreement, TransientDocument } from './state';

/**
 * The PDFs the sandbox answers, made with pdf-lib: the combined document (the original with a
 * signature page appended: who signed, when, from which IP, how they were authenticated) and the
 * audit trail (every event). Text is written with a standard font, so letters outside Latin-1
 * lose their accents.
 */
export async function combinedDocument(agreement: SandboxAgreement, original: TransientDocument): Promise<Uint8Array> {
  const doc = await loadOrNew(original);
  const signatures = agreement.events.filter((e) => e.type === 'ACTION_COMPLETED');
  const lines = [
    `Agreement: ${agreement.name}`,
    `Agreement id: ${agreement.id}`,
    `Status: ${agreement.status}`,
    '',
    ...(signatures.length === 0
      ? ['Not signed yet.']
      : signatures.flatMap((e) => [
          `Signed electronically by ${e.participantEmail ?? e.actingUserEmail ?? '?'}`,
          `  on ${e.date}${e.actingUserIpAddress ? ` from ${e.actingUserIpAddress}` : ''}`,
          `  authentication: ${authenticationOf(agreement, e.participantEmail)}`,
          '  ______________________________',
          '',
        ])),
  ];
  await writePages(doc, 'Signatures (Adobe Acrobat Sign sandbox)', lines);
  return doc.save();
}

export async function auditTrail(agreement: SandboxAgreement): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Audit trail: ${latin1(agreement.name)}`);
  const lines = [
    `Agreement: ${agreement.name}`,
    `Agreement id: ${agreement.id}`,
    `Created: ${agreement.createdDate}`,
    `Status: ${agreement.status}`,
    '',
    ...agreement.events.flatMap((e) => [
      `${e.date}  ${e.type}`,
      `  ${e.description}`,
      ...(e.actingUserIpAddress ? [`  IP address: ${e.actingUserIpAddress}`] : []),
      ...(e.comment ? [`  Comment: ${e.comment}`] : []),
    ]),
  ];
  await writePages(doc, 'Audit trail (Adobe Acrobat Sign sandbox)', lines);
  return doc.save();
}

export function authenticationOf(agreement: SandboxAgreement, email: string | undefined): string {
  const member = agreement.participantSets.flatMap((s) => s.members).find((m) => m.email === email);
  const option = member?.securityOption;
  if (option?.authenticationMethod !== 'PHONE') return 'email (NONE)';
  return `PHONE (one-time code by SMS to ${mask(option.phoneInfo?.phone)})`;
}

const mask = (phone: string | undefined) => (phone ? `***${phone.slice(-3)}` : '?');

async function loadOrNew(original: TransientDocument): Promise<PDFDocument> {
  if (original.mimeType === 'application/pdf') {
    try {
      return await PDFDocument.load(Buffer.from(original.content, 'base64'), { ignoreEncryption: true });
    } catch {
      // not a PDF pdf-lib can read (a test's stand-in bytes): the signature page stands alone
    }
  }
  return PDFDocument.create();
}

async function writePages(doc: PDFDocument, title: string, lines: string[]): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = newPage(doc, title, bold);
  let y = 760;
  for (const line of lines) {
    if (y < 60) {
      page = newPage(doc, title, bold);
      y = 760;
    }
    write(page, line, 50, y, font, 10);
    y -= 15;
  }
}

function newPage(doc: PDFDocument, title: string, bold: PDFFont): PDFPage {
  const page = doc.addPage([595, 842]);
  write(page, title, 50, 790, bold, 14);
  return page;
}

function write(page: PDFPage, text: string, x: number, y: number, font: PDFFont, size: number): void {
  page.drawText(latin1(text), { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
}

/** What a standard (WinAnsi) font can write: accents dropped where Latin-1 has no letter. */
function latin1(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, (ch) => ch.normalize('NFD').replace(/[^\x20-\x7e]/g, '') || '?');
}
