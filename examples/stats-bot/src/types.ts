/**
 * The conversation key of the bot: who is talking, in which chat. The same shape as
 * the runtime's `SessionKey`; ids are compared as strings.
 */
export interface ChatKey {
  userId: string | number;
  conversationId: string;
}

/** A file as the bot receives or sends it. */
export interface FilePayload {
  /** The file name, e.g. `houses.csv`; its extension decides how it is read. */
  name: string;
  bytes: Uint8Array;
}

/** What a user sends: a line of text or a file. */
export type IncomingMessage = { text: string } | { file: FilePayload };

/**
 * One option the user can pick. Console mode shows `1) label`; Telegram mode shows a
 * button. Sending `value` as text (or its number, or its label) picks it.
 */
export interface Choice {
  label: string;
  value: string;
}

/** One message of the bot, the same for every transport. */
export interface Reply {
  text: string;
  /** Options to pick from (buttons in Telegram, numbered choices in the console). */
  choices?: Choice[];
  /** True when several choices may be picked at once ("1,3" or names with commas). */
  multiple?: boolean;
  /** A picture to show, e.g. a histogram PNG. */
  image?: FilePayload;
  /** A file to hand over, e.g. predictions as CSV. */
  file?: FilePayload;
}

/** Receives the replies the bot sends without being asked (training finished). */
export type ReplyListener = (key: ChatKey, replies: Reply[]) => void;

/**
 * The bot as a transport sees it: console mode and Telegram mode both talk to it
 * through this interface, so they behave the same.
 */
export interface ChatBot {
  /**
   * Handles one message of a chat and resolves to the bot's replies, in order. With a
   * `messageId` (Telegram's `update_id`), the workflow steps the message takes carry it
   * (`<messageId>:<n>` for its n-th step), so a message delivered again is not applied
   * twice: its steps answer as duplicates and the bot replies where the workflow stands.
   */
  handleMessage(
    key: ChatKey,
    message: IncomingMessage,
    options?: { messageId?: string | number },
  ): Promise<Reply[]>;
  /**
   * Subscribes to replies sent without being asked (long work finished); returns the
   * function that unsubscribes.
   */
  onReply(listener: ReplyListener): () => void;
  /**
   * What to say when a person opens the chat again (console start): a welcome, or
   * where the conversation stands and what it waits for. Changes nothing.
   */
  greet(key: ChatKey): Promise<Reply[]>;
  /** Resolves when no background work of the chat is running any more. */
  settled(key: ChatKey): Promise<void>;
  /** The largest file accepted, in bytes. */
  readonly maxUploadBytes: number;
}
