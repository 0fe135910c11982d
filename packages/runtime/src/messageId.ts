/** The longest `messageId` the runtime takes. */
export const longestMessageId = 200;

/**
 * The `messageId` of an operation's options as a string (ids are compared as strings,
 * so `5` and `'5'` are one id), or `undefined` when there is none.
 *
 * @throws TypeError when the options are not an object, or the id is neither a finite
 * number nor a string of 1 to {@link longestMessageId} characters.
 * @example
 * ```ts
 * messageIdOf({ messageId: 5 }); // '5'
 * ```
 */
export function messageIdOf(options: { messageId?: unknown } | undefined): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('The options are an object { messageId? }.');
  }
  const id: unknown = options.messageId;
  if (id === undefined) return undefined;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.length > 0 && id.length <= longestMessageId) return id;
  throw new TypeError(
    `A messageId is a finite number or a string of 1 to ${longestMessageId} characters.`,
  );
}
