/**
 * node-vault rejects a non-2xx answer with an `ApiResponseError` carrying `response.statusCode`
 * (its message is Vault's first `errors` entry, or "Status 404" when the array is empty); a
 * network failure is axios's error with no `response.statusCode`. Classified by status, never by text.
 */
export function vaultStatus(error: unknown): number | undefined {
  const response = (error as { response?: { statusCode?: unknown } } | null)?.response;
  return typeof response?.statusCode === 'number' ? response.statusCode : undefined;
}

/** A short reason fit for a log line: the status and Vault's message, never a value. */
export function vaultReason(error: unknown): string {
  const status = vaultStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === undefined ? `unreachable: ${message}` : `${status} ${message}`;
}
