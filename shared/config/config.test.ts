import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, parseConfig } from './config';

const schema = z.object({
  DATABASE_URL: z.url(),
  API_KEY: z.string().min(1),
  PORT: env.port(),
  KAFKA_BROKERS: env.list(),
});

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('when every variable is valid, then the typed config is returned', () => {
    const config = parseConfig(schema, {
      DATABASE_URL: 'postgres://db:5432/ahs',
      API_KEY: 'k',
      PORT: '8080',
      KAFKA_BROKERS: 'a:9092',
    });
    expect(config).toEqual({ DATABASE_URL: 'postgres://db:5432/ahs', API_KEY: 'k', PORT: 8080, KAFKA_BROKERS: ['a:9092'] });
  });

  it('when several variables are missing, then every one of them is named, not only the first', () => {
    const problems = problemsOf(() => parseConfig(schema, { PORT: '8080' }));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^DATABASE_URL is missing/m);
    expect(problems.join('\n')).toMatch(/^API_KEY is missing/m);
    expect(problems.join('\n')).toMatch(/^KAFKA_BROKERS is missing/m);
  });

  it('when a variable is set but invalid, then it is named as invalid; an empty one counts as missing', () => {
    const problems = problemsOf(() => parseConfig(schema, { DATABASE_URL: 'not a url', API_KEY: '', PORT: '70000', KAFKA_BROKERS: 'a:9092' }));
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is invalid/),
      expect.stringMatching(/^API_KEY is missing/),
      expect.stringMatching(/^PORT is invalid/),
    ]);
  });

  it('when it fails, then the error message lists every problem but never echoes a value', () => {
    const secret = 'hunter2-super-secret';
    let caught: unknown;
    try {
      parseConfig(schema, { DATABASE_URL: secret, PORT: secret });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration: /);
    for (const name of ['DATABASE_URL', 'API_KEY', 'PORT', 'KAFKA_BROKERS']) expect(message).toContain(name);
    expect(message).not.toContain(secret);
  });

  it('when no env is passed, then process.env is read', () => {
    process.env.CONFIG_TEST_ONLY_VAR = 'from-process';
    try {
      expect(parseConfig(z.object({ CONFIG_TEST_ONLY_VAR: z.string() }))).toEqual({ CONFIG_TEST_ONLY_VAR: 'from-process' });
    } finally {
      delete process.env.CONFIG_TEST_ONLY_VAR;
    }
  });
});

describe('env helpers', () => {
  const read = <S extends z.ZodObject>(s: S, values: Record<string, string>) => parseConfig(s, values);

  it('when a list has spaces and empty items, then they are trimmed and dropped', () => {
    const s = z.object({ BROKERS: env.list() });
    expect(read(s, { BROKERS: ' k1:9092, k2:9092 ,,k3:9092 ' }).BROKERS).toEqual(['k1:9092', 'k2:9092', 'k3:9092']);
    expect(read(s, { BROKERS: 'single' }).BROKERS).toEqual(['single']);
  });

  it('when a list is empty, then it is reported missing', () => {
    expect(problemsOf(() => read(z.object({ BROKERS: env.list() }), { BROKERS: '' }))).toEqual([expect.stringMatching(/^BROKERS is missing/)]);
  });

  it('when a bool is absent, then its default applies; true/1 and false/0 are read', () => {
    const s = z.object({ ON: env.bool(true), OFF: env.bool(false) });
    expect(read(s, {})).toEqual({ ON: true, OFF: false });
    expect(read(s, { ON: 'false', OFF: 'true' })).toEqual({ ON: false, OFF: true });
    expect(read(s, { ON: '0', OFF: '1' })).toEqual({ ON: false, OFF: true });
  });

  it('when a bool is not true/false/1/0, then it is named invalid', () => {
    expect(problemsOf(() => read(z.object({ FLAG: env.bool(false) }), { FLAG: 'yes' }))).toEqual([expect.stringMatching(/^FLAG is invalid/)]);
  });

  it('when an int is absent, then its default applies; when set, it is coerced', () => {
    const s = z.object({ DB_POOL_MAX: env.int(10) });
    expect(read(s, {}).DB_POOL_MAX).toBe(10);
    expect(read(s, { DB_POOL_MAX: '25' }).DB_POOL_MAX).toBe(25);
  });

  it('when an int is zero, negative, fractional or text, then it is named invalid', () => {
    const s = z.object({ DB_POOL_MAX: env.int(10) });
    for (const value of ['0', '-3', '2.5', 'ten']) {
      expect(problemsOf(() => read(s, { DB_POOL_MAX: value }))).toEqual([expect.stringMatching(/^DB_POOL_MAX is invalid/)]);
    }
  });

  it('when a port is outside 1..65535, then it is invalid; a url must be a URL', () => {
    const s = z.object({ PORT: env.port(), ISSUER: env.url() });
    expect(read(s, { PORT: '443', ISSUER: 'https://sso.example.com' })).toEqual({ PORT: 443, ISSUER: 'https://sso.example.com' });
    expect(problemsOf(() => read(s, { PORT: '0', ISSUER: 'sso' }))).toEqual([
      expect.stringMatching(/^PORT is invalid/),
      expect.stringMatching(/^ISSUER is invalid/),
    ]);
  });
});
