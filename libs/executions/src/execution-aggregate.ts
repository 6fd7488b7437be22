// The execution aggregate lives in the domain; re-exported for the library's callers.
export { executionAggregate } from '@runlet/domain';
