import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** The search parameters both log endpoints take (parsed by parseLogSearch, which words the 400s). */
export class LogSearchFieldsDto {
  @ApiPropertyOptional({
    description:
      'text the message contains, case-insensitive (%, _ and \\ match themselves); at most 1000 characters',
  })
  @IsOptional()
  @IsString()
  q?: string;
  @ApiPropertyOptional({
    description: 'one level or several, comma-separated: debug, info, warn, error',
    example: 'warn,error',
  })
  @IsOptional()
  @IsString()
  level?: string;
  @ApiPropertyOptional({
    description: 'lines at or after: an ISO-8601 date (UTC midnight) or date-time with a zone',
    example: '2025-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({
    description: 'lines before (exclusive); same forms as from; from must not be after to',
  })
  @IsOptional()
  @IsString()
  to?: string;
}
