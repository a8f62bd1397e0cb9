import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesFromZod } from './zod-issues';

const pyxis = z.object({
  system: z.literal('PYXIS'),
  order: z.object({
    orderNumber: z.string(),
    storeCode: z.string(),
    lines: z.array(z.object({ productCode: z.string(), quantity: z.number().int().positive() })).min(1),
  }),
});
const tempo = z.object({ source: z.literal('tempo'), sale: z.object({ sale_ref: z.string(), shop: z.string() }) });
const sale = z.union([pyxis, tempo]);

function issues(schema: z.ZodType, input: unknown, prefix?: string) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be invalid');
  return issuesFromZod(result.error, prefix);
}

const fields = (list: { field: string }[]) => list.map((i) => i.field);

describe('issuesFromZod', () => {
  it('when nested fields and array items are wrong, then each issue names its dotted path', () => {
    const found = issues(pyxis, {
      system: 'PYXIS',
      order: {
        orderNumber: 'FR-1',
        lines: [
          { productCode: 'A', quantity: 1 },
          { productCode: 7, quantity: 0 },
        ],
      },
    });
    expect(fields(found)).toEqual(['order.storeCode', 'order.lines.1.productCode', 'order.lines.1.quantity']);
    expect(found[0]?.message).toMatch(/expected string/);
    expect(found[2]?.message).toMatch(/Too small/);
  });

  it('when a prefix is given, then every field starts with it', () => {
    const found = issues(pyxis, { system: 'PYXIS', order: { orderNumber: 'FR-1', storeCode: 'S', lines: [] } }, 'data');
    expect(fields(found)).toEqual(['data.order.lines']);
  });

  it('when the root itself is wrong, then the field is (root), or the prefix alone', () => {
    expect(issues(z.string(), 42)).toEqual([{ field: '(root)', message: expect.stringMatching(/expected string/) as unknown }]);
    expect(fields(issues(z.string(), 42, 'body'))).toEqual(['body']);
  });

  it('when a union fails, then the issues of the branch the input came closest to are reported, not "Invalid input"', () => {
    const pyxisLike = issues(sale, { system: 'PYXIS', order: { orderNumber: 'FR-1', lines: [{ productCode: 'A', quantity: 0 }] } }, 'data');
    expect(fields(pyxisLike)).toEqual(['data.order.storeCode', 'data.order.lines.0.quantity']);

    const tempoLike = issues(sale, { source: 'tempo', sale: { sale_ref: 'IT-0107/2026/004511' } }, 'data');
    expect(tempoLike).toEqual([{ field: 'data.sale.shop', message: expect.stringMatching(/expected string/) as unknown }]);
    expect(tempoLike.map((i) => i.message).join()).not.toMatch(/^Invalid input$/);
  });

  it('when a union sits inside an object, then the branch issues keep the path to the union', () => {
    const found = issues(z.object({ message: sale }), { message: { source: 'tempo', sale: { shop: 'IT-MI-0107' } } }, 'data');
    expect(fields(found)).toEqual(['data.message.sale.sale_ref']);
  });

  it('when a union nests another union, then the closest branch is followed all the way down', () => {
    const contact = z.union([z.object({ phone: z.string(), phoneCountry: z.string() }), z.object({ email: z.email() })]);
    const holder = z.union([z.object({ kind: z.literal('person'), contact }), z.object({ kind: z.literal('company'), vat: z.string() })]);
    const found = issues(holder, { kind: 'person', contact: { email: 'not-an-email' } });
    expect(found).toEqual([{ field: 'contact.email', message: expect.stringMatching(/email/i) as unknown }]);
  });
});

describe('issuesFromZod with envelopes of different shapes', () => {
  it("when a message has one shape's envelope but misses many nested fields, then that shape is reported", async () => {
    const { salesOrderMessage } = await import('../../events');
    const result = salesOrderMessage.safeParse({ header: { messageId: 'x' }, order: {} });
    expect(result.success).toBe(false);
    const fields = issuesFromZod(result.error!).map((i) => i.field);
    expect(fields).toContain('header.system');
    expect(fields).toContain('order.storeCode');
    expect(fields.some((f) => f.startsWith('sale'))).toBe(false);
  });
});
