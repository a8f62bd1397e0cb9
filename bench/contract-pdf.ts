/**
 * npm run bench:contract-pdf — contract PDF generation time per document (shared/contracts-document),
 * in process, the four languages in turn: a short contract (2 lines, 2 pages), a long one (40
 * lines, 3 pages) and one with TV adjustments, against a baseline in the same run: an empty
 * one-page pdf-lib document embedding the same two fonts (subset) with one line of text, i.e. the
 * library's and the font embedding's own floor. BENCH_DOCUMENTS documents per case (default 200),
 * after BENCH_WARMUP (default 20). Reported, not asserted: documents/s, ms per document p50/p95,
 * bytes per document.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { contractLanguages, loadContractFonts, renderContract, type ContractFonts } from '../shared/contracts-document';
import { sampleContract } from '../shared/contracts-document/testing';

const documents = Number(process.env.BENCH_DOCUMENTS ?? 200);
const warmup = Number(process.env.BENCH_WARMUP ?? 20);

async function baseline(fonts: ContractFonts): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const [regular] = await Promise.all([pdf.embedFont(fonts.regular, { subset: true }), pdf.embedFont(fonts.bold, { subset: true })]);
  pdf.addPage().drawText('Łukasz Żółć', { x: 50, y: 780, size: 12, font: regular });
  return pdf.save();
}

const cases: [string, (i: number) => Promise<Uint8Array>][] = [
  ['baseline (empty page, same fonts)', () => baseline(loadContractFonts())],
  ['contract, 2 lines', (i) => renderContract(sampleContract(contractLanguages[i % 4]!, 2))],
  ['contract, 40 lines', (i) => renderContract(sampleContract(contractLanguages[i % 4]!, 40))],
  [
    'contract, 2 lines + TV adjustments',
    (i) =>
      renderContract({
        ...sampleContract(contractLanguages[i % 4]!, 2),
        tvAdjustments: { lines: [{ change: 'add', description: 'Extra socket' }], extraCostMinor: 5_000 },
      }),
  ],
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function run(render: (i: number) => Promise<Uint8Array>) {
  for (let i = 0; i < warmup; i += 1) await render(i);
  const times: number[] = [];
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < documents; i += 1) {
    const t0 = performance.now();
    bytes += (await render(i)).length;
    times.push(performance.now() - t0);
  }
  const elapsed = performance.now() - start;
  times.sort((a, b) => a - b);
  return {
    perSecond: (documents / elapsed) * 1000,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    bytes: bytes / documents,
  };
}

async function main() {
  const fontLoad = performance.now();
  loadContractFonts();
  console.log(`contract PDF bench: ${documents} documents per case (warm-up ${warmup}), Node ${process.version}`);
  console.log(`font files read once: ${(performance.now() - fontLoad).toFixed(1)} ms`);
  console.log('case                                  docs/s   p50 ms   p95 ms   KiB/doc');
  const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
  for (const [name, render] of cases) {
    const r = await run(render);
    results[name] = r;
    console.log(
      `${name.padEnd(36)}${r.perSecond.toFixed(1).padStart(8)}${r.p50.toFixed(2).padStart(9)}${r.p95.toFixed(2).padStart(9)}${(r.bytes / 1024).toFixed(1).padStart(10)}`,
    );
  }
  const floor = results[cases[0]![0]]!.p50;
  const short = results[cases[1]![0]]!.p50;
  console.log(`2-line contract p50 / baseline p50: ${(short / floor).toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
