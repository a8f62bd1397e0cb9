import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel, type LoggerOptions } from './logger';
import { REDACTED, TRUNCATED } from './redact';

function capture(options: Omit<LoggerOptions, 'write'> = {}) {
  const raw: string[] = [];
  const logger = createLogger({ ...options, write: (line) => raw.push(line) });
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, raw, lines };
}

const PII = {
  phone: '+34699111222',
  mobile: '+393331234567',
  email: 'camille.bernard@example.fr',
  mail: 'marco.rossi@example.it',
  address: { street: '12, rue de la Republique', city: 'LYON' },
  street: 'Via Torino 45',
  zip: '20123',
  postalCode: '69002',
  town: 'Milano',
  name: 'Marco Rossi',
  firstName: 'Camille',
  last_name: 'BERNARD',
  'full-name': 'Camille Bernard',
  Authorization: 'Bearer eyJhbGciOi',
  password: 'hunter2',
};

describe('createLogger', () => {
  it('when a line is written, then it is one JSON object with time, level, msg, base and fields', () => {
    const { logger, raw, lines } = capture({ base: { service: 'order-intake' } });
    logger.info('order created', { orderId: 'o-1', lines: 2 });
    expect(raw).toHaveLength(1);
    expect(raw[0]).not.toContain('\n');
    const [line] = lines();
    expect(line).toEqual({ time: expect.any(String) as unknown, level: 'info', msg: 'order created', service: 'order-intake', orderId: 'o-1', lines: 2 });
    expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
  });

  it('when the level is warn, then debug and info are dropped and warn and error are written', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('when no level is given, then info is the minimum', () => {
    const { logger, lines } = capture();
    logger.debug('hidden');
    logger.info('shown');
    expect(lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('when a child is made, then its lines carry the parent base and the child fields, and the parent is unchanged', () => {
    const { logger, lines } = capture({ base: { service: 's' }, level: 'debug' });
    const child = logger.child({ requestId: 'r-1' });
    const grandchild = child.child({ eventId: 'e-1' });
    grandchild.debug('deep');
    logger.info('parent');
    expect(lines()).toEqual([
      expect.objectContaining({ msg: 'deep', service: 's', requestId: 'r-1', eventId: 'e-1' }),
      expect.not.objectContaining({ requestId: expect.anything() as unknown }),
    ]);
  });

  it('when a trace context is active, then dd.trace_id and dd.span_id are on the line', () => {
    const { logger, lines } = capture({ traceContext: () => ({ 'dd.trace_id': '123', 'dd.span_id': '456' }) });
    logger.info('traced');
    expect(lines()[0]).toMatchObject({ 'dd.trace_id': '123', 'dd.span_id': '456' });
  });
});

describe('PII redaction', () => {
  it('when fields hold a name, contact, address or credential, then each is redacted, whatever its case or separator', () => {
    const { logger, raw, lines } = capture();
    logger.info('customer', { ...PII });
    const [line] = lines();
    for (const key of Object.keys(PII)) expect(line?.[key], key).toBe(REDACTED);
    for (const value of ['+34699111222', 'example.fr', 'Torino', 'Camille', 'BERNARD', 'hunter2', 'LYON']) {
      expect(raw[0]).not.toContain(value);
    }
  });

  it('when PII sits deep inside objects and arrays, then it is redacted there and the other fields are kept', () => {
    const { logger, raw, lines } = capture();
    logger.info('sale', {
      order: { orderNumber: 'FR-0318-229310', customer: { phone: '0612345678' }, buyer: 'Marco', lines: [{ productCode: 'KIT', qty: 1 }] },
      contacts: [{ kind: 'home', email: 'a@example.com' }, [{ mobile: '+48500100200', id: 7 }]],
    });
    expect(lines()[0]).toMatchObject({
      order: { orderNumber: 'FR-0318-229310', customer: REDACTED, buyer: REDACTED, lines: [{ productCode: 'KIT', qty: 1 }] },
      contacts: [{ kind: 'home', email: REDACTED }, [{ mobile: REDACTED, id: 7 }]],
    });
    for (const value of ['0612345678', 'a@example.com', '+48500100200', 'Marco']) expect(raw[0]).not.toContain(value);
  });

  it('when PII is nested deeper than the redaction walks, then the deep part is truncated, never written as is', () => {
    let deep: Record<string, unknown> = { phone: '+34600000000', note: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { wrap: deep };
    const { logger, raw } = capture();
    logger.info('deep', { deep });
    expect(raw[0]).not.toContain('+34600000000');
    expect(raw[0]).toContain(TRUNCATED);
  });

  it('when a field refers to itself, then the line is still written and nothing throws', () => {
    const cyclic: Record<string, unknown> = { id: 'c-1' };
    cyclic.self = cyclic;
    const { logger, lines } = capture();
    expect(() => logger.info('cyclic', { cyclic })).not.toThrow();
    expect(lines()[0]).toMatchObject({ cyclic: { id: 'c-1', self: { id: 'c-1' } } });
  });

  it('when child() fields hold PII, then they are redacted on every line of the child', () => {
    const { logger, raw, lines } = capture();
    const child = logger.child({ orderId: 'o-9', customer: { email: 'x@example.com' }, email: 'y@example.com' });
    child.info('one');
    child.warn('two', { street: 'Calle Mayor 1' });
    expect(lines()).toEqual([
      expect.objectContaining({ orderId: 'o-9', customer: REDACTED, email: REDACTED }),
      expect.objectContaining({ orderId: 'o-9', customer: REDACTED, email: REDACTED, street: REDACTED }),
    ]);
    expect(raw.join('\n')).not.toMatch(/example\.com|Calle Mayor/);
  });

  it('when fields are not PII, then they are kept as they are, including dates, nulls and numbers', () => {
    const { logger, lines } = capture();
    const at = new Date('2026-11-28T10:00:00.000Z');
    logger.info('kept', { countryCode: 'ES', storeCode: 'ES-MAD-0042', skills: ['KITCHEN'], at, count: 0, missing: null, ok: false });
    expect(lines()[0]).toMatchObject({
      countryCode: 'ES',
      storeCode: 'ES-MAD-0042',
      skills: ['KITCHEN'],
      at: '2026-11-28T10:00:00.000Z',
      count: 0,
      missing: null,
      ok: false,
    });
  });

  it('when an Error is logged, then its name, message and stack are written', () => {
    class BoomError extends Error {
      override name = 'BoomError';
    }
    const { logger, lines } = capture();
    logger.error('failed', { error: new BoomError('broker down'), nested: { cause: new TypeError('bad') } });
    const [line] = lines();
    expect(line?.error).toEqual({ name: 'BoomError', message: 'broker down', stack: expect.stringContaining('broker down') as unknown });
    expect(line?.nested).toEqual({ cause: { name: 'TypeError', message: 'bad', stack: expect.any(String) as unknown } });
  });
});

describe('parseLogLevel', () => {
  it('when the value is a known level, then it is used; otherwise info', () => {
    expect(['debug', 'info', 'warn', 'error'].map(parseLogLevel)).toEqual(['debug', 'info', 'warn', 'error']);
    expect([undefined, '', 'verbose', 'DEBUG'].map(parseLogLevel)).toEqual(['info', 'info', 'info', 'info']);
  });
});
