import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { secretAggregate, secretName, secretStreamId } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { SecretValues } from '@runlet/secrets';
import { DeleteSecretCommand } from './delete-secret.command';

/** SecretDeleted hides the value at once (it is no longer the stream's last version); then its row goes. */
@CommandHandler(DeleteSecretCommand)
export class DeleteSecretHandler implements ICommandHandler<DeleteSecretCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly values: SecretValues,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ name, metadata }: DeleteSecretCommand): Promise<void> {
    secretName(name); // before the name reaches SQL as a stream id (decide checks it again)
    const result = await this.repo.execute(
      secretStreamId(name),
      secretAggregate,
      { type: 'DeleteSecret', name },
      metadata,
    );
    await this.values.remove(name, result.streamVersion);
    await this.projections.waitFor(result.position);
  }
}
