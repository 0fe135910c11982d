import type { ZodType } from 'zod';

/** What {@link parseUserEvent} found. */
export type ParsedUserEvent =
  | { ok: true; event: { type: string; [key: string]: unknown } }
  | { ok: false; problem: string };

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (issue === undefined) return 'it is malformed';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Validates a user event against its zod schema and returns the event the machine
 * receives: the schema's output (unknown fields dropped) with the event's `type`. A
 * schema whose object shape has a `type` field is given the whole event; any other is
 * given the payload without `type`.
 *
 * @example
 * ```ts
 * parseUserEvent(z.object({ column: z.string() }), { type: 'target.selected', column: 'price' });
 * // { ok: true, event: { type: 'target.selected', column: 'price' } }
 * ```
 */
export function parseUserEvent(
  schema: ZodType | undefined,
  event: { type: string; [key: string]: unknown },
): ParsedUserEvent {
  if (schema === undefined) return { ok: false, problem: 'this workflow has no schema for it' };
  const shape = (schema as unknown as { shape?: unknown }).shape;
  const withType = typeof shape === 'object' && shape !== null && 'type' in shape;
  let result: ReturnType<ZodType['safeParse']>;
  try {
    let input: unknown = event;
    if (!withType) {
      // Reading the payload runs its getters (or a proxy's traps), which may throw.
      const { type: _type, ...payload } = event;
      input = payload;
    }
    result = schema.safeParse(input);
  } catch {
    return { ok: false, problem: 'it could not be checked' };
  }
  if (!result.success) return { ok: false, problem: describeIssue(result.error.issues[0]) };
  const output = result.data;
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    return { ok: false, problem: 'it is not an object' };
  }
  return { ok: true, event: { ...(output as Record<string, unknown>), type: event.type } };
}
