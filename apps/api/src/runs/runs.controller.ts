import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { RunScriptDto, TryDto } from '../executions/executions.dto';
import { RunScriptCommand } from './run-script/run-script.command';
import { TryScriptCommand } from './try-script/try-script.command';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1')
export class RunsController {
  constructor(private readonly commands: CommandBus) {}

  /** Manual run: 202 {executionId}, or with `wait` the finished execution. */
  @Post('scripts/:id/runs')
  async run(
    @Param('id', IdParam.script) id: string,
    @Body() body: RunScriptDto,
    @Req() req: any,
    @Res() res: any,
  ) {
    const { executionId, finished } = await this.commands.execute(
      new RunScriptCommand(id, body, metadataFor(req)),
    );
    if (!finished) return res.status(202).json({ executionId });
    return res.status(200).json(finished);
  }

  /** Builds and runs unsaved code: 200 the finished execution and its logs, or with `wait: false` 202 {executionId}. */
  @Post('try')
  @HttpCode(200)
  async try(@Body() body: TryDto, @Req() req: any, @Res({ passthrough: true }) res: any) {
    const answer = await this.commands.execute(new TryScriptCommand(body, metadataFor(req)));
    if (!('logs' in answer)) res.status(202);
    return answer;
  }
}
