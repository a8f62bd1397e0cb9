import type { MessageDeclaration } from '../../bpmn/contract';

/**
 * What functions ask of the workflow engine. Production: Camunda 8's REST API through
 * @camunda8/sdk (./camunda.ts). Locally the embedded engine (mesh/engine) serves the same REST
 * API, so the same adapter runs against it.
 */
export interface Workflows {
  /**
   * Publishes a message declared in bpmn/contract.ts. `messageId` makes it idempotent: the
   * engine refuses a second message with the same id while the first is buffered, which the
   * adapter treats as success (the message is there).
   */
  publishMessage(message: MessageDeclaration, correlationKey: string, variables: Record<string, unknown>, options?: { messageId?: string }): Promise<void>;
  userTasks: UserTasks;
  incidents: Incidents;
}

export interface UserTask {
  userTaskKey: string;
  name: string;
  state: 'CREATED' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  assignee?: string;
  elementId: string;
  candidateGroups: string[];
  processDefinitionId: string;
  processInstanceKey: string;
  creationDate: string;
  dueDate?: string;
  priority: number;
  customHeaders: Record<string, string>;
}

export interface UserTaskQuery {
  state?: UserTask['state'];
  candidateGroup?: string;
  assignee?: string;
  processInstanceKey?: string;
  limit?: number;
}

export interface UserTasks {
  search(query: UserTaskQuery): Promise<UserTask[]>;
  /** undefined when there is no such task. */
  get(userTaskKey: string): Promise<UserTask | undefined>;
  /** Variables visible to the task (process variables merged with its local ones). */
  variables(userTaskKey: string): Promise<Record<string, unknown>>;
  /** With `allowOverride: false`, a task assigned to someone else is refused (ConflictError). */
  assign(userTaskKey: string, assignee: string, options: { allowOverride: boolean }): Promise<void>;
  /** Removes the assignee (the task goes back to its candidate groups). */
  unassign(userTaskKey: string): Promise<void>;
  complete(userTaskKey: string, variables: Record<string, unknown>): Promise<void>;
}

export interface Incident {
  incidentKey: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  errorType: string;
  errorMessage: string;
  creationTime: string;
  state: string;
  jobKey?: string;
}

export interface Incidents {
  search(query: { state?: 'ACTIVE' | 'RESOLVED'; processInstanceKey?: string; limit?: number }): Promise<Incident[]>;
  /** The variables of a process instance (to scope an incident to its tenant). */
  processVariables(processInstanceKey: string, names: string[]): Promise<Record<string, unknown>>;
}
