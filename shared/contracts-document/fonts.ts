import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** TrueType files embedded in every contract: DejaVu Sans covers Latin-1 and Latin Extended-A (ł ż é ç ñ ò). */
export interface ContractFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

const loaded = new Map<string, ContractFonts>();

/**
 * The fonts from `dir` (default: the `ttf/` folder of the dejavu-fonts-ttf package, resolved
 * from the working directory, so a bundle finds it as the project's scripts do). Read once per
 * folder, on the first contract, never at import: functions that import this module but render
 * nothing pay nothing at cold start.
 */
export function loadContractFonts(dir: string = defaultFontDir()): ContractFonts {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const fonts = {
    regular: readFileSync(path.join(dir, 'DejaVuSans.ttf')),
    bold: readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')),
  };
  loaded.set(dir, fonts);
  return fonts;
}

function defaultFontDir(): string {
  // A bundle (and its container image) has them beside it: esbuild.config.mjs copies them to fonts/.
  const beside = path.join(__dirname, 'fonts');
  if (existsSync(path.join(beside, 'DejaVuSans.ttf'))) return beside;
  const resolve = createRequire(path.join(process.cwd(), 'package.json')).resolve;
  return path.join(path.dirname(resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}
