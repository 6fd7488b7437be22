import { EventUpcaster } from './common/aggregate';
import { scriptUpcasters } from './script/script.upcasters';

export { scriptVersionSavedV2 } from './script/script.upcasters';

/** Every upcaster of the domain's events, for the event store. */
export const domainUpcasters: EventUpcaster[] = [...scriptUpcasters];
