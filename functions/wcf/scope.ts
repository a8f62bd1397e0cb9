import type { Principal } from '../../shared/auth/principal';

/** Provider staff: a provider admin of the order's provider, or its assigned technician. */
export function mayActForProvider(principal: Principal, assignedTechnicianSubject: string | null): boolean {
  return principal.roles.includes('provider-admin') || (assignedTechnicianSubject !== null && assignedTechnicianSubject === principal.subject);
}
