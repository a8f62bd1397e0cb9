import { describe, expect, it } from 'vitest';
import { decode, encodingExists, getDecoder } from './iconv-lite';

describe('the iconv-lite stand-in of function bundles', () => {
  it('when a body is UTF-8 or Latin-1, then it decodes as iconv-lite would', () => {
    expect(decode(Buffer.from('Lucía García', 'utf8'), 'utf-8')).toBe('Lucía García');
    expect(decode(Buffer.from([0x52, 0xe9, 0x70]), 'latin1')).toBe('Rép');
    expect(decode(Buffer.from('\ufeff{"a":1}', 'utf8'), 'utf-8')).toBe('{"a":1}');
  });

  it('when a multi-byte character is split across chunks, then the streaming decoder joins it', () => {
    const bytes = Buffer.from('ñ', 'utf8');
    const decoder = getDecoder('utf-8');
    expect(decoder.write(bytes.subarray(0, 1)) + decoder.write(bytes.subarray(1))).toBe('ñ');
    expect(decoder.end()).toBeUndefined();
  });

  it('when an encoding is unknown, then it does not exist and decoding throws', () => {
    expect(encodingExists('utf-8')).toBe(true);
    expect(encodingExists('klingon-8')).toBe(false);
    expect(() => decode(Buffer.from('x'), 'klingon-8')).toThrow("Encoding not recognized: 'klingon-8'");
  });
});
