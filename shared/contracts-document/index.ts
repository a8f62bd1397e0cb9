export { renderContract, type RenderOptions } from './render';
export {
  contractDocumentSchema,
  contractLanguages,
  ContractDocumentInputError,
  parseContractDocument,
  type ContractDocument,
  type ContractLanguage,
  type ContractLine,
} from './model';
export { loadContractFonts, type ContractFonts } from './fonts';
export { contractTemplates, type ContractTemplate } from './templates';
