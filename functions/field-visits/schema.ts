import { z } from 'zod';

const isoInstant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with its offset' });

export const appointmentParams = z.object({ id: z.uuid({ message: 'must be an appointment id (UUID)' }) });

export const bookBody = z
  .object({
    serviceOrderId: z.uuid({ message: 'must be a service order id (UUID)' }),
    startsAt: isoInstant,
    /** Absent: the slot lasts as long as the order's products say (capped to the technician's day). */
    endsAt: isoInstant.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.endsAt === undefined) return;
    const ms = Date.parse(b.endsAt) - Date.parse(b.startsAt);
    if (ms <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    else if (ms > 24 * 3_600_000) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a slot lasts one day at most' });
  });
export type BookBody = z.infer<typeof bookBody>;

export const dayQuery = z.object({
  date: z.iso.date({ message: 'a date YYYY-MM-DD' }),
});

export const checkInBody = z.object({
  lat: z.number({ message: 'a number' }).min(-90, 'between -90 and 90').max(90, 'between -90 and 90'),
  lon: z.number({ message: 'a number' }).min(-180, 'between -180 and 180').max(180, 'between -180 and 180'),
  /** Device time of the check-in (the app sends it when it checked in offline); default: now. */
  at: isoInstant.optional(),
  /** Horizontal accuracy of the GPS fix, metres. */
  accuracyM: z.number().nonnegative().max(100_000).optional(),
});
export type CheckInBody = z.infer<typeof checkInBody>;

export const onMyWayBody = z.object({
  /** Minutes until the technician expects to be at the customer's. */
  etaMinutes: z
    .number({ message: 'a whole number of minutes' })
    .int('a whole number of minutes')
    .min(1, 'between 1 and 240 minutes')
    .max(240, 'between 1 and 240 minutes'),
});
export type OnMyWayBody = z.infer<typeof onMyWayBody>;

export const SIGNATURE_MAX_BYTES = 200 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;

/** The PNG bytes of a `data:image/png;base64,...` URL, or a reason it is not one (within the size limit). */
export function decodeSignature(value: string): { png: Buffer } | { problem: string } {
  const match = PNG_DATA_URL.exec(value);
  if (!match?.[1] || match[1].length % 4 !== 0) return { problem: "a PNG data URL: 'data:image/png;base64,...'" };
  const png = Buffer.from(match[1], 'base64');
  if (png.length > SIGNATURE_MAX_BYTES) return { problem: `at most ${SIGNATURE_MAX_BYTES / 1024} KiB of PNG` };
  if (png.length <= PNG_MAGIC.length || !png.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) return { problem: 'not a PNG image' };
  return { png };
}

export const checkOutBody = z.object({
  at: isoInstant.optional(),
  /**
   * Whether the order's work is complete with this check-out: the customer is then asked to
   * accept it (Work Closing Form). A multi-day job sends false on every day but its last.
   * Absent: true (a one-day job).
   */
  workComplete: z.boolean({ message: 'true or false' }).default(true),
  workSummary: z.string().trim().min(1, 'required').max(4000),
  materials: z
    .array(
      z.object({
        code: z.string().min(1).max(100),
        description: z.string().max(500).optional(),
        quantity: z.number().positive(),
        unit: z.string().min(1).max(20),
      }),
    )
    .max(200),
  /** References to photos the app uploaded (storage keys or URLs), never the images. */
  photoRefs: z
    .array(
      z
        .string()
        .min(1)
        .max(500)
        .regex(/^(?!data:)\S+$/, 'a reference (no spaces, not a data URL)'),
    )
    .max(20, 'at most 20 photos'),
  /** The customer's canvas signature: `data:image/png;base64,...`, at most 200 KiB of PNG. */
  signaturePng: z
    .string()
    .max(Math.ceil((SIGNATURE_MAX_BYTES * 4) / 3) + 64, { message: `at most ${SIGNATURE_MAX_BYTES / 1024} KiB of PNG`, abort: true })
    .superRefine((value, ctx) => {
      const decoded = decodeSignature(value);
      if ('problem' in decoded) ctx.addIssue({ code: 'custom', message: decoded.problem });
    }),
});
export type CheckOutBody = z.infer<typeof checkOutBody>;
