import { BadRequestException } from '@nestjs/common';
import { InvalidLogSearch, LogSearchFilter, LogSearchParams, parseLogSearch } from '@runlet/logs';

/** The log search parameters of a request as a filter; a parameter that means nothing is a 400 naming it. */
export function logSearchFilter(params: LogSearchParams): LogSearchFilter {
  try {
    return parseLogSearch(params);
  } catch (err) {
    if (err instanceof InvalidLogSearch) throw new BadRequestException(err.message);
    throw err;
  }
}

/** Runs a log search; a cursor the store refuses is a 400. */
export async function badSearchIs400<T>(search: Promise<T>): Promise<T> {
  try {
    return await search;
  } catch (err) {
    if (err instanceof InvalidLogSearch) throw new BadRequestException(err.message);
    throw err;
  }
}
