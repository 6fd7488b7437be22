/** A command the domain refuses; the API maps each kind to its HTTP status. */
export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not_found' | 'conflict' | 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** → 400 */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
}
/** → 404 */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}
/** → 409 */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
