import { RunScriptHandler } from './run-script/run-script.handler';
import { TryScriptHandler } from './try-script/try-script.handler';

/** The runs use cases' command and query handlers, for the module's providers. */
export const runHandlers = [RunScriptHandler, TryScriptHandler];
