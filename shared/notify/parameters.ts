import { z } from 'zod';
import { templateCatalog, type ParameterKind, type TemplateId, type TemplateSpec } from './catalog';

/**
 * A template's parameters as code uses them (the rules of shared/notify/catalog.ts): the zod
 * schema a request's parameters must match, and the values a template is rendered with.
 */
const valueOf: Record<ParameterKind, z.ZodType> = {
  text: z.string().min(1),
  code: z.string().min(1),
  count: z.number().int().nonnegative(),
  date: z.iso.date(),
  instant: z.iso.datetime({ offset: true }),
  url: z.url(),
  amountMinor: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/),
};

const schemas = new Map<TemplateId, z.ZodType>();

/** The zod schema of a template's parameters (codes to their values), strict: nothing undeclared. Built once per id. */
export function parametersSchema(templateId: TemplateId): z.ZodType {
  const known = schemas.get(templateId);
  if (known) return known;
  const schema = buildSchema(templateId);
  schemas.set(templateId, schema);
  return schema;
}

function buildSchema(templateId: TemplateId): z.ZodType {
  const spec: TemplateSpec = templateCatalog[templateId];
  const shape = Object.fromEntries(
    Object.entries(spec.parameters).map(([name, p]) => {
      const base = p.kind === 'code' && p.values ? z.enum(p.values as [string, ...string[]]) : valueOf[p.kind];
      return [name, p.optional ? base.optional() : base];
    }),
  );
  return z.strictObject(shape);
}

/** Minor units per major unit of the currencies AHS sells in (ISO 4217: two decimals). */
const MINOR_PER_MAJOR: Record<string, number> = { EUR: 100, PLN: 100 };

/**
 * A request's parameters as its template is rendered with them (templateCatalog's rules): absent
 * optional parameters as `none`, codes with `_` for `-`, and `<name>Major` beside each amount in
 * minor units.
 */
export function templateValues(templateId: TemplateId, parameters: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  const spec: TemplateSpec = templateCatalog[templateId];
  const values: Record<string, string | number | boolean> = { ...parameters };
  for (const [name, p] of Object.entries(spec.parameters)) {
    if (p.optional && values[name] === undefined) values[name] = 'none';
    if (p.kind === 'code' && typeof values[name] === 'string') values[name] = values[name].replace(/-/g, '_');
    if (p.kind === 'amountMinor' && typeof values[name] === 'number') {
      const currency = typeof parameters.currency === 'string' ? parameters.currency : 'EUR';
      values[`${name}Major`] = values[name] / (MINOR_PER_MAJOR[currency] ?? 100);
    }
  }
  return values;
}

/** The names a template of `templateId` may use: its parameters and the `<name>Major` of its amounts. */
export function renderableNames(templateId: TemplateId): Set<string> {
  const spec: TemplateSpec = templateCatalog[templateId];
  const names = new Set(Object.keys(spec.parameters));
  for (const [name, p] of Object.entries(spec.parameters)) if (p.kind === 'amountMinor') names.add(`${name}Major`);
  return names;
}
