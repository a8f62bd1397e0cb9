import type { DbClient } from '../../shared/db';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import { isOverlap } from './add-rule';
import { findOverlaps, lockKey, overlapMessage, RULE_COLUMNS, RULE_FROM, type PricingRule } from './queries';
import type { CloseBody } from './schema';

/**
 * Ends a rule: it applies to sales until the day before `validTo`. Sales already taken keep the
 * price they were given. A `validTo` that lengthens the rule into another's dates is 409
 * `pricing-rule-overlap`; one not after its `validFrom` is 400 (a rule never applied is still a
 * rule that existed: it is closed, not deleted).
 */
export async function closeRule(tx: DbClient, id: string, body: CloseBody): Promise<PricingRule> {
  const {
    rows: [rule],
  } = await tx.query<PricingRule>(`SELECT ${RULE_COLUMNS} FROM ${RULE_FROM} WHERE r.id = $1`, [id]);
  if (!rule) throw new NotFoundError(`no pricing rule ${id}`);
  await lockKey(tx, rule);
  if (body.validTo <= rule.validFrom) {
    throw new InvalidInputError(`validTo ${body.validTo} must be after the rule's validFrom ${rule.validFrom}`, [
      { field: 'validTo', message: `must be after the rule's validFrom ${rule.validFrom}` },
    ]);
  }
  const others = await findOverlaps(tx, rule, rule.validFrom, body.validTo, rule.id);
  if (others.length > 0) throw new ConflictError(overlapMessage(rule, { validFrom: rule.validFrom, validTo: body.validTo }, others), 'pricing-rule-overlap');
  try {
    await tx.query('UPDATE org.channel_pricing_rules SET valid_to = $2, updated_at = NOW() WHERE id = $1', [id, body.validTo]);
  } catch (error) {
    if (isOverlap(error)) throw new ConflictError(overlapMessage(rule, { validFrom: rule.validFrom, validTo: body.validTo }, []), 'pricing-rule-overlap');
    throw error;
  }
  return { ...rule, validTo: body.validTo };
}
