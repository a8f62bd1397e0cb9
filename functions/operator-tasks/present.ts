import type { Incident, UserTask } from '../../shared/workflow';
import { scopeFromGroups, type WorkScope } from './scope';

/** A user task as the Control Tower lists it. */
export function taskItem(t: UserTask) {
  return {
    key: t.userTaskKey,
    name: t.name,
    state: t.state,
    process: t.processDefinitionId,
    processInstanceKey: t.processInstanceKey,
    element: t.elementId,
    created: t.creationDate,
    due: t.dueDate ?? null,
    priority: t.priority,
    assignee: t.assignee ?? null,
    scope: scopeFromGroups(t.candidateGroups),
  };
}

export type TaskItem = ReturnType<typeof taskItem>;

export function incidentItem(i: Incident, scope: WorkScope) {
  return {
    key: i.incidentKey,
    state: i.state,
    process: i.processDefinitionId,
    processInstanceKey: i.processInstanceKey,
    element: i.elementId,
    errorType: i.errorType,
    errorMessage: i.errorMessage,
    created: i.creationTime,
    jobKey: i.jobKey ?? null,
    scope,
  };
}
