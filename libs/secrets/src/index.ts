export { createMasker, maskDeep, MASK } from './masker';
