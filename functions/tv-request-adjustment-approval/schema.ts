import { z } from 'zod';
import { isoDuration } from '../../shared/workflow';

export const requestApprovalVariables = z.object({
  orderId: z.uuid(),
  visitId: z.uuid(),
  /** The process variable the model's answer timer also reads. */
  answerDeadline: isoDuration,
});
export type RequestApprovalVariables = z.infer<typeof requestApprovalVariables>;
