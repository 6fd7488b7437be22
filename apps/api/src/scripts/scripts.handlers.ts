import { ArchiveScriptHandler } from './archive-script/archive-script.handler';
import { CreateScriptHandler } from './create-script/create-script.handler';
import { DeployScriptVersionHandler } from './deploy-script-version/deploy-script-version.handler';
import { GetScriptVersionHandler } from './get-script-version/get-script-version.handler';
import { GetScriptHandler } from './get-script/get-script.handler';
import { ListScriptVersionsHandler } from './list-script-versions/list-script-versions.handler';
import { ListScriptsHandler } from './list-scripts/list-scripts.handler';
import { SaveScriptVersionHandler } from './save-script-version/save-script-version.handler';
import { SearchScriptLogsHandler } from './search-script-logs/search-script-logs.handler';

/** The scripts use cases' command and query handlers, for the module's providers. */
export const scriptHandlers = [
  ArchiveScriptHandler,
  CreateScriptHandler,
  DeployScriptVersionHandler,
  GetScriptVersionHandler,
  GetScriptHandler,
  ListScriptVersionsHandler,
  ListScriptsHandler,
  SaveScriptVersionHandler,
  SearchScriptLogsHandler,
];
