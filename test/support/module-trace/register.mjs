// `node --import ./test/support/module-trace/register.mjs …` with MODULE_TRACE_FILE set:
// appends the URL of every module the process loads through import (one a line) to that
// file. Tests use it to see what a command loads (test/cli/cli-startup.test.ts).
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url), { data: { file: process.env.MODULE_TRACE_FILE } });
