/** The longest error message kept in a machine's context. */
const maxErrorLength = 500;

/**
 * Turns whatever an invoked actor rejected with into the string a machine keeps in
 * `context.error`. Never throws, whatever the rejection value is.
 *
 * @param error - the rejection value of the invoked work
 * @returns its message, at most 500 characters
 */
export function errorMessage(error: unknown): string {
  let message = 'The work failed for an unknown reason.';
  try {
    if (error instanceof Error && typeof error.message === 'string' && error.message !== '') {
      message = error.message;
    } else if (typeof error === 'string' && error !== '') {
      message = error;
    }
  } catch {
    // a hostile rejection value (a throwing getter): keep the generic message
  }
  return message.length > maxErrorLength ? `${message.slice(0, maxErrorLength)}…` : message;
}
