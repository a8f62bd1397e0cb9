import type { Principal } from '../../shared/auth/principal';
import { ForbiddenError } from '../../shared/errors';

/** The provider the caller works for: every call of this function is scoped to it. */
export function providerOf(principal: Principal): string {
  const providerId = principal.scope.providerId;
  if (!providerId) throw new ForbiddenError('this action is for provider staff: the token names no provider');
  return providerId;
}
