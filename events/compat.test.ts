import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { breakingChanges } from './compat';
import { defineEvent } from './define';
import { eventJsonSchema } from './json-schema';

/** The same pipeline as the export, so the crafted schemas look exactly like committed ones. */
const schema = (data: z.ZodType) =>
  eventJsonSchema(defineEvent({ topic: 'test.thing.happened', type: 'ahs.test', description: '', data, partitionKey: () => '' }));
const breaks = (before: z.ZodType, after: z.ZodType) => breakingChanges(schema(before), schema(after));

const shape = {
  id: z.string(),
  status: z.enum(['OPEN', 'CLOSED']),
  amount: z.number(),
  note: z.string().optional(),
  address: z.object({ city: z.string(), zip: z.string().min(1) }),
  lines: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
};
const base = z.object(shape);

describe('breakingChanges: breaking', () => {
  it.each([
    ['a field is removed', base.omit({ note: true }), ['$.note: field removed or renamed']],
    ['a field is renamed', base.omit({ note: true }).extend({ remark: z.string().optional() }), ['$.note: field removed or renamed (renamed to "remark"?)']],
    [
      'a type is narrowed (number → integer)',
      base.extend({ amount: z.number().int() }),
      [
        '$.amount: type narrowed (number → integer)',
        '$.amount: type narrowed (minimum -9007199254740991 added)',
        '$.amount: type narrowed (maximum 9007199254740991 added)',
      ],
    ],
    [
      'a bound is tightened',
      base.extend({ address: z.object({ city: z.string(), zip: z.string().min(5) }) }),
      ['$.address.zip: type narrowed (minLength 1 → 5)'],
    ],
    ['a bound is loosened', base.extend({ address: z.object({ city: z.string(), zip: z.string() }) }), ['$.address.zip: type widened (minLength 1 removed)']],
    ['an optional field is made required', base.extend({ note: z.string() }), ['$.note: optional field made required']],
    ['a required field is made optional', base.extend({ id: z.string().optional() }), ['$.id: required field made optional']],
    ['a required field is added', base.extend({ priority: z.number() }), ['$.priority: required field added']],
    ['a type is changed', base.extend({ amount: z.string() }), ['$.amount: type changed (number → string)']],
    ['null is allowed', base.extend({ id: z.string().nullable() }), ['$.id: nullable added']],
    ['an enum value is removed', base.extend({ status: z.enum(['OPEN']) }), ['$.status: enum value removed ("CLOSED")']],
    ['an enum value is added', base.extend({ status: z.enum(['OPEN', 'CLOSED', 'HELD']) }), ['$.status: enum value added ("HELD")']],
    ['a nested field is removed', base.extend({ address: z.object({ zip: z.string().min(1) }) }), ['$.address.city: field removed or renamed']],
    [
      'an array item field changes type',
      base.extend({ lines: z.array(z.object({ sku: z.string(), qty: z.string() })) }),
      ['$.lines[*].qty: type changed (integer → string)'],
    ],
    ['the array item type changes', base.extend({ lines: z.array(z.string()) }), ['$.lines[*]: type changed (object → string)']],
  ])('when %s, then it is reported with its path', (_, after, expected) => {
    expect(breaks(base, after)).toEqual(expected);
  });

  it('when a union branch is removed, then the branch is reported', () => {
    const a = z.object({ kind: z.literal('a'), x: z.string() });
    const b = z.object({ kind: z.literal('b'), y: z.string() });
    expect(breaks(z.union([a, b]), a)).toEqual(['$(anyOf 1): union branch removed (object {kind, y})']);
    expect(breaks(a, z.union([a, b]))).toEqual(['$: union branch added (object {kind, y})']);
  });

  it('when a field of one union branch is removed, then the path names the branch and the field', () => {
    const a = z.object({ kind: z.literal('a'), x: z.string() });
    const b = z.object({ kind: z.literal('b'), y: z.string(), z: z.string() });
    expect(breaks(z.union([a, b]), z.union([a, b.omit({ z: true })]))).toEqual(['$(anyOf 1).z: field removed or renamed']);
  });

  it('when an optional field is added to a strict object, then consumers rejecting unknown keys break', () => {
    expect(breaks(z.strictObject(shape), z.strictObject({ ...shape, extra: z.string().optional() }))).toEqual(['$.extra: field added to a closed object']);
  });

  it('when a shared sub-schema is emitted as $ref/$defs, then a change inside it is found at every use', () => {
    const money = (amount: z.ZodType) => z.object({ amount, currency: z.string() });
    const toSchema = (m: z.ZodType) => z.toJSONSchema(z.object({ price: m, tax: m }), { reused: 'ref' });
    const [before, after] = [toSchema(money(z.string())), toSchema(money(z.number()))];
    expect(JSON.stringify(before)).toContain('"$ref"');
    expect(breakingChanges(before, after)).toEqual(['$.price.amount: type changed (string → number)', '$.tax.amount: type changed (string → number)']);
  });

  it('when a recursive schema changes, then the change is found and the comparison terminates', () => {
    type Tree = { name: string; children: Tree[] };
    const tree = (name: z.ZodType): z.ZodType<Tree> => {
      const node: z.ZodType<Tree> = z.object({
        name,
        get children() {
          return z.array(node);
        },
      }) as z.ZodType<Tree>;
      return node;
    };
    const [before, after] = [z.toJSONSchema(tree(z.string())), z.toJSONSchema(tree(z.string().min(1)))];
    expect(JSON.stringify(before)).toContain('"$ref"');
    expect(breakingChanges(before, after)).toEqual(['$.name: type narrowed (minLength 1 added)']);
  });
});

describe('breakingChanges: compatible', () => {
  it.each([
    ['nothing changes', base],
    ['an optional field is added', base.extend({ remark: z.string().optional() })],
    ['an optional nested field is added', base.extend({ address: shape.address.extend({ floor: z.number().optional() }) })],
    [
      'fields are reordered',
      z.object({ lines: shape.lines, id: shape.id, note: shape.note, amount: shape.amount, address: shape.address, status: shape.status }),
    ],
    ['enum values are reordered', base.extend({ status: z.enum(['CLOSED', 'OPEN']) })],
    ['descriptions change', base.extend({ id: z.string().describe('the thing id') })],
  ])('when %s, then nothing is reported', (_, after) => {
    expect(breaks(base, after)).toEqual([]);
  });

  it('when a union gains the same branches in another order, then nothing is reported', () => {
    const a = z.object({ kind: z.literal('a') });
    const b = z.object({ kind: z.literal('b') });
    expect(breaks(z.union([a, b]), z.union([b, a]))).toEqual([]);
  });
});
