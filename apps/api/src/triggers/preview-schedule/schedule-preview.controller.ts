import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { assertValidSchedule, nextRuns } from '@runlet/domain';

class PreviewScheduleDto {
  @ApiProperty({ example: '*/5 * * * *' }) @IsString() @MaxLength(200) schedule: string;
  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 20 }) @IsOptional() @IsInt() @Min(1) @Max(20) count?: number;
}

/**
 * A cron schedule's next runs without creating a trigger: the console shows them as the user
 * types, with the same rules (and the same messages for invalid expressions) a trigger gets.
 */
@ApiTags('triggers')
@ApiBearerAuth()
@Controller('api/v1/schedules')
export class SchedulePreviewController {
  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: PreviewScheduleDto) {
    // An invalid expression or zone is a domain ValidationError: 400 with the trigger's message.
    const timezone = assertValidSchedule(body.schedule, body.timezone ?? 'UTC');
    const runs = nextRuns(body.schedule, timezone, new Date(), body.count ?? 5);
    return { schedule: body.schedule, timezone, nextRuns: runs.map((d) => d.toISOString()) };
  }
}
