import type { Command } from 'commander';
import type { GlobalOptions } from '../cli-context.js';
import { portNumber } from '../option-parsers.js';
import type { ServeOptions } from './run-server.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP server (API, OpenAPI docs at /docs); SIGTERM or Ctrl-C stops it cleanly')
    .option('--host <host>', 'address to listen on (config server.host)')
    .option('--port <port>', 'port to listen on (config server.port; 0 = any free port)', portNumber)
    .option('--demo-if-empty', 'load the bundled demo data when the database has never had any')
    .action(async (options: ServeOptions, command: Command) => {
      // Fastify and everything the server needs load only now, not for every CLI command.
      const { runServer } = await import('./run-server.js');
      await runServer(command.optsWithGlobals<GlobalOptions>(), options);
    });
}
