// `npm run build`, also run by `npm ci` / `npm install` through the prepare script.
//
// 1. tsc compiles src/ to dist/, one JavaScript module per source file (type-checked).
// 2. The files src/ reads at run time are copied beside the compiled modules
//    (auth/common-passwords.txt, read via import.meta.url).
// 3. esbuild links the CLI's modules, and the pure-JavaScript libraries it loads on every
//    command, into a few files in dist/bundle/: Node 20 spends about 0.3 ms on each module
//    file it loads, and kysely and zod alone are 400 files, so linking halves the start-up
//    of every command (docs/PERFORMANCE.md, "CLI start-up"). Commands still load their
//    implementations lazily (separate chunks). Libraries that find files of their own at run
//    time (fastify's plugins, pino's workers, native addons) stay ordinary imports.
//
// dist/ is rebuilt from scratch so that a module deleted from src/ does not live on.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const bundleDir = path.join(dist, 'bundle');

/** Libraries linked into the bundle: plain JavaScript that never reads files beside itself. */
const linkedPackages = new Set(['commander', 'kysely', 'yaml', 'zod']);

function fail(status) {
  // No half-built dist/: bin/moatmetrics.js then says to run the build.
  rmSync(dist, { recursive: true, force: true });
  process.exit(status);
}

rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '--project', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) fail(compiled.status ?? 1);

let assets = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(dist, path.relative(src, from)));
  assets += 1;
}

/** Bare imports of packages outside `linkedPackages` stay imports, resolved from node_modules at run time. */
const keepOtherPackagesExternal = {
  name: 'keep-other-packages-external',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return linkedPackages.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * A module that finds a file relative to itself (`new URL('./x.txt', import.meta.url)`) must
 * find it from inside a bundle chunk too: its import.meta.url becomes the URL of its own
 * compiled module in dist/, where step 2 put the files it reads.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const code = await readFile(args.path, 'utf8');
      if (!code.includes('import.meta.url')) return undefined;
      const fromBundle = path.relative(bundleDir, args.path).split(path.sep).join('/');
      return { contents: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

try {
  await build({
    entryPoints: { moatmetrics: path.join(dist, 'cli', 'main.js') },
    outdir: bundleDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // A bundled CommonJS library (commander) calls require() for Node's own modules.
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
    },
    plugins: [keepOtherPackagesExternal, keepModuleUrls],
    logLevel: 'warning',
  });
} catch {
  fail(1);
}

// Written last: the test harness compares its time with the sources' (test/cli/cli-harness.ts).
writeFileSync(path.join(dist, '.build-complete'), `${new Date().toISOString()}\n`);
process.stdout.write(`built dist/ (${assets} asset file${assets === 1 ? '' : 's'} copied) and dist/bundle/\n`);
