// Root ESLint flat config. Every workspace package runs `eslint .` from its own directory; ESLint 9
// looks for eslint.config.js from the working directory upwards and finds this file, so one config
// serves the whole monorepo. The root package lints its own scripts with `pnpm lint:root`.
//
// Type-aware: typescript-eslint's recommendedTypeChecked with the project service, so each file is
// checked against the tsconfig.json nearest to it (packages/<name>/tsconfig.json, or the root
// tsconfig.json for scripts/ and vitest.config.ts).
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

const root = import.meta.dirname;

/** Workspace directories (mirrors pnpm-workspace.yaml) plus the root itself. */
function workspaceDirs() {
  const dirs = [root];
  for (const parent of ['packages', 'examples']) {
    const abs = join(root, parent);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs)) {
      const dir = join(abs, name);
      if (statSync(dir).isDirectory()) dirs.push(dir);
    }
  }
  if (existsSync(join(root, 'bench'))) dirs.push(join(root, 'bench'));
  return dirs;
}

/** Files a directory's tsconfig.json compiles (empty when it has none or it does not parse). */
function tsconfigFiles(dir) {
  const configPath = join(dir, 'tsconfig.json');
  if (!existsSync(configPath)) return new Set();
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => {},
  });
  return new Set((parsed?.fileNames ?? []).map((f) => resolve(f)));
}

/**
 * `*.config.*` files (tsup.config.ts, vitest.config.ts, …) at the top of each workspace directory
 * that no tsconfig.json compiles: the project service could not type them, so they are not linted.
 * The ones a tsconfig includes (every package's tsup.config.ts today) are linted like source.
 */
function configFilesOutsideTsconfig() {
  const ignored = [];
  for (const dir of workspaceDirs()) {
    const included = tsconfigFiles(dir);
    for (const name of readdirSync(dir)) {
      if (!/\.config\.[cm]?[jt]sx?$/.test(name)) continue;
      const file = join(dir, name);
      if (!included.has(file)) ignored.push(relative(root, file).split('\\').join('/'));
    }
  }
  return ignored;
}

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '**/.turbo/',
    '**/*.d.ts',
    // Generated Prisma clients (tests and the prisma example generate them before they run).
    '**/generated/',
    ...configFilesOutsideTsconfig(),
  ]),
  {
    name: 'mqkit/typescript',
    files: ['**/*.{ts,mts,cts,tsx,js,mjs,cjs}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: root,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // `_`-prefixed names are deliberately unused (interface-shaped parameters, skipped tuple slots).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A promise nobody awaits must be marked: `void promise` says it is intentional.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: `async` methods without `await` are deliberate here. They implement Promise-returning
      // contracts (providers, dead-letter stores, test fixtures) and turn synchronous throws into
      // rejections, which callers of a Promise API expect.
      '@typescript-eslint/require-await': 'off',
      // Passing an unknown reason through (`reject(signal.reason)`, re-rejecting a caught error) is
      // the AbortSignal idiom; only literal non-Error rejections are flagged. Mirrors the defaults
      // of only-throw-error for `throw`.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Plain JavaScript (the root scripts, any .js/.mjs/.cjs a package keeps) is not in a tsconfig:
    // lint it without type information.
    name: 'mqkit/javascript',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
