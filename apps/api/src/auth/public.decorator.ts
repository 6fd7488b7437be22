import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'runlet:public';
/** Routes that need no API key: health, metrics, docs, webhooks. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
