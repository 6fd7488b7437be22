// Triggers share the domain-wide error hierarchy so the API maps every aggregate's errors the same
// way (ValidationError → 400, NotFoundError → 404, ConflictError → 409).
export { DomainError, ValidationError, NotFoundError, ConflictError } from '../common/errors';
