export { renderWorkClosingForm, type WcfRenderOptions } from './render';
export {
  parseWcfDocument,
  WcfDocumentInputError,
  wcfDocumentSchema,
  type WcfAnswer,
  type WcfClosingDocument,
  type WcfDocument,
  type WcfLiftedReserve,
  type WcfLiftingDocument,
  type WcfReserve,
  type WcfVisit,
} from './model';
export { textTag, wcfSigners, type WcfSigner } from './signatures';
export { wcfTemplates, type WcfTemplate } from './templates';
