/**
 * Normalised keys that recognise one person across channels and customer ids: the same
 * street written "12, rue de la Republique" or "12 rue de la République", the same phone
 * written "06 12 34 56 78" or "+33612345678".
 */
export function normalizeText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function addressKey(address: { street: string; postalCode: string; countryCode: string }): string {
  return [address.countryCode.toUpperCase(), normalizeText(address.postalCode).replace(/ /g, ''), normalizeText(address.street)].join('|');
}

/** Country calling codes, and whether the national trunk prefix 0 is dropped after them. */
const DIALLING: Record<string, { prefix: string; dropTrunkZero: boolean }> = {
  ES: { prefix: '34', dropTrunkZero: false },
  FR: { prefix: '33', dropTrunkZero: true },
  IT: { prefix: '39', dropTrunkZero: false },
  PL: { prefix: '48', dropTrunkZero: false },
};

/** E.164 form (`+33612345678`) of a phone number written nationally or internationally. */
export function normalizePhone(phone: string, countryCode: string): string | null {
  let digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (digits.startsWith('+')) return digits.length > 6 ? digits : null;
  const dialling = DIALLING[countryCode.toUpperCase()];
  if (!dialling || digits.length < 6) return null;
  if (digits.startsWith(dialling.prefix) && digits.length > 10) return `+${digits}`;
  const national = dialling.dropTrunkZero && digits.startsWith('0') ? digits.slice(1) : digits;
  return `+${dialling.prefix}${national}`;
}

export function contactKeys(customer: { phone: string | null; email: string | null; countryCode: string }): string[] {
  const keys: string[] = [];
  const phone = customer.phone ? normalizePhone(customer.phone, customer.countryCode) : null;
  if (phone) keys.push(`phone:${phone}`);
  if (customer.email) keys.push(`email:${customer.email.trim().toLowerCase()}`);
  return keys;
}

export function nameKey(fullName: string): string {
  return `name:${normalizeText(fullName).split(' ').sort().join(' ')}`;
}
