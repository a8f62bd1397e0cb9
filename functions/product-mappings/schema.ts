import { z } from 'zod';

/** A code exactly as the sales system sends it (its schema takes any non-empty text) or the catalogue holds it. */
const code = z.string().min(1).max(100);

/** `/:salesSystem/:salesProductCode`: the sales system's code (PYXIS, TEMPO) and its product code. */
export const mappingParams = z.object({
  salesSystem: z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'a sales system code, e.g. PYXIS'),
  salesProductCode: code,
});
export type MappingParams = z.infer<typeof mappingParams>;

/** The catalogue's service product the sales product code stands for. */
export const mappingBody = z.object({ serviceProductCode: code }).strict();
export type MappingBody = z.infer<typeof mappingBody>;

/** `GET /?salesSystem=PYXIS`: the mappings, of one sales system or all. */
export const listQuery = z.object({ salesSystem: mappingParams.shape.salesSystem.optional() });
export type ListQuery = z.infer<typeof listQuery>;
