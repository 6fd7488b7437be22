export { createMasker, maskDeep, MASK } from './masker';
export { MIN_SECRET_LENGTH, secretForms } from './secret-forms';
export { LineMasker } from './line-masker';
