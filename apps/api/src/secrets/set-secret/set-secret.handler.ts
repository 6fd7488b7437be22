import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { secretAggregate, secretName, secretStreamId } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { SecretValues } from '@runlet/secrets';
import { SetSecretCommand } from './set-secret.command';

/**
 * The event first, then the value under the version it got: a concurrent set gets the next
 * version, and the store keeps the later of the two; a value whose event never reached the log
 * is never written, so never served.
 */
@CommandHandler(SetSecretCommand)
export class SetSecretHandler implements ICommandHandler<SetSecretCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly values: SecretValues,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ name, value, metadata }: SetSecretCommand) {
    secretName(name); // before the name reaches SQL as a stream id (decide checks it again)
    const result = await this.repo.execute(
      secretStreamId(name),
      secretAggregate,
      { type: 'SetSecret', name },
      metadata,
    );
    await this.values.put(name, result.streamVersion, value);
    await this.projections.waitFor(result.position); // GET /secrets shows it at once
    const recorded = result.events[result.events.length - 1]?.recordedAt;
    return {
      name,
      version: result.streamVersion,
      updatedAt: new Date(recorded ?? Date.now()).toISOString(),
    };
  }
}
