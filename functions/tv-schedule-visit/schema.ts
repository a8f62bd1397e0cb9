import { z } from 'zod';
import { isoDuration } from '../../shared/workflow';

export const scheduleVisitVariables = z.object({
  orderId: z.uuid(),
  slaDuration: isoDuration,
});
export type ScheduleVisitVariables = z.infer<typeof scheduleVisitVariables>;
