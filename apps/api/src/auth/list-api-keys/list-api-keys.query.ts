import { Query } from '@nestjs/cqrs';
import { ApiKeysQuery } from '@runlet/read-models';

export class ListApiKeysQuery extends Query<Awaited<ReturnType<ApiKeysQuery['list']>>> {}
