import { CreateTriggerHandler } from './create-trigger/create-trigger.handler';
import { DeleteTriggerHandler } from './delete-trigger/delete-trigger.handler';
import { GetTriggerHandler } from './get-trigger/get-trigger.handler';
import { ListTriggersHandler } from './list-triggers/list-triggers.handler';
import { RotateTriggerSecretHandler } from './rotate-trigger-secret/rotate-trigger-secret.handler';
import { RunTriggerHandler } from './run-trigger/run-trigger.handler';
import { UpdateTriggerHandler } from './update-trigger/update-trigger.handler';
import { AddTriggerSecretHandler } from './trigger-secrets/add-trigger-secret.handler';
import { ListTriggerSecretsHandler } from './trigger-secrets/list-trigger-secrets.handler';
import { RetireTriggerSecretHandler } from './trigger-secrets/retire-trigger-secret.handler';

/** The triggers use cases' command and query handlers, for the module's providers. */
export const triggerHandlers = [
  CreateTriggerHandler,
  DeleteTriggerHandler,
  GetTriggerHandler,
  ListTriggersHandler,
  RotateTriggerSecretHandler,
  RunTriggerHandler,
  UpdateTriggerHandler,
  AddTriggerSecretHandler,
  ListTriggerSecretsHandler,
  RetireTriggerSecretHandler,
];
