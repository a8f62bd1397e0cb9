import { TextDecoder } from 'node:util';

/**
 * Stands in for iconv-lite inside function bundles (see esbuild.config.mjs). body-parser and
 * raw-body use three of its calls to decode request bodies; Node's own TextDecoder (full ICU)
 * does the same without iconv-lite's ~480 KiB of code pages, which every cold start would parse.
 * An encoding TextDecoder does not know is unsupported, as with iconv-lite (415 from body-parser).
 */
function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding);
  } catch {
    throw new Error(`Encoding not recognized: '${encoding}'`);
  }
}

export function encodingExists(encoding: string): boolean {
  try {
    new TextDecoder(encoding);
    return true;
  } catch {
    return false;
  }
}

export function decode(buffer: Uint8Array, encoding: string): string {
  return decoderFor(encoding).decode(buffer);
}

export function getDecoder(encoding: string): { write(chunk: Uint8Array): string; end(): string | undefined } {
  const decoder = decoderFor(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode() || undefined,
  };
}

export default { encodingExists, decode, getDecoder };
