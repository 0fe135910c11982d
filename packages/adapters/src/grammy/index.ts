export {
  type CallbackAction,
  decodeCallbackData,
  encodeCallbackData,
  maxCallbackDataBytes,
} from './callbackData.ts';
export { createChatflowMiddleware } from './createChatflowMiddleware.ts';
export { defaultStepControls } from './defaultStepControls.ts';
export { defaultTexts } from './defaultTexts.ts';
export { describeStep } from './describeStep.ts';
export { downloadTelegramFile } from './downloadTelegramFile.ts';
export { splitText } from './splitText.ts';
export type {
  ChatflowMiddleware,
  ChatflowMiddlewareOptions,
  ChatflowTexts,
  DocumentHandler,
  DocumentUploadArgs,
  FileDownloader,
  HostMessage,
  Reply,
  ReplyAttachment,
  ReplyChoice,
  RespondArgs,
  RespondFn,
  StepChoice,
  StepControls,
  StepControlsFn,
  StepMultiSelect,
  StepSource,
  UploadedDocument,
  WorkflowEventObject,
} from './types.ts';
