import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The rooms and who may import what (README, "Architecture"). Libraries that speak to a service
 * are imported by their adapter only; everything else goes through the ports.
 */
const ADAPTERS_ONLY = [
  {
    group: ['kafkajs', 'kafkajs/**'],
    message: 'Only the Kafka adapter (src/kafka/) imports kafkajs: use the ports of src/kafka/ports.ts.',
  },
  {
    group: ['mysql2', 'mysql2/**'],
    message:
      'Only the MySQL adapter (src/mysql/, and the native MariaDB bootstrap) imports mysql2: use src/mysql/mysql-port.ts.',
  },
  { group: ['axios'], message: 'dip speaks HTTP with fetch (one HTTP client).' },
]
/** The shell (src/cli/) is the outermost room: commands, cores and the engine never import it. */
const NOT_THE_SHELL = {
  group: ['**/cli/**'],
  message: 'Only src/cli/ imports src/cli/: take the context, reporter and adapters from src/app/.',
}
/**
 * Outside the engine, only its two entries: src/ksql-engine/index.ts (the engine) and
 * src/ksql-engine/light-api.ts (its SQL types and names, without loading the engine).
 */
const ENGINE_ENTRIES_MESSAGE =
  'Outside the engine, import it through src/ksql-engine/index.ts (or light-api.ts for its types and names) only.'
const ENGINE_VIA_INDEX = {
  group: ['**/ksql-engine/**', '!**/ksql-engine/index.ts', '!**/ksql-engine/light-api.ts'],
  message: ENGINE_ENTRIES_MESSAGE,
}
/** The rules every file keeps (no-restricted-syntax options replace each other, so they are repeated). */
const BASE_SYNTAX = [
  { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
  { selector: 'CallExpression[callee.property.name="only"]', message: 'Focused tests are not allowed.' },
]
/**
 * no-restricted-imports does not see `await import('...')`: the same rule for dynamic imports with a
 * literal path. (esquery regexes cannot hold a slash, so `.` stands for the separator.)
 */
const ENGINE_VIA_INDEX_DYNAMIC = {
  selector: 'ImportExpression[source.value=/ksql-engine.(?!(index|light-api)[.]ts$)/]',
  message: ENGINE_ENTRIES_MESSAGE,
}
/** The engine's own rule set: it imports no service library, no CLI and no stack. */
const ENGINE_PATTERNS = [
  ...ADAPTERS_ONLY,
  { group: ['**/cli/**', '**/commands/**'], message: 'The engine never imports the CLI.' },
  {
    group: ['**/stack/**'],
    message: 'The engine never imports the stack: take what it needs as a port passed in by the caller.',
  },
]
/** Runtime, planner and expression code imports neither the parser nor the analyzer (issue 12). */
const STAGES_LOOK_DOWN = {
  group: ['**/parser/**', '**/analyzer/**'],
  message:
    'The runtime, planner and expression code import only what lies below them: take expression nodes and helpers from src/ksql-engine/expression/, plan types from src/ksql-engine/planner/.',
}
/** The analyzer states the query as data (planner/analysis.ts); it builds nothing the runtime runs. */
const ANALYZER_BUILDS_NO_PLAN = {
  group: [
    '**/runtime/**',
    '**/planner/execution-plan*',
    '**/planner/logical-plan*',
    '**/planner/build-execution-plan*',
  ],
  message:
    'The analyzer returns a QueryAnalysis (src/ksql-engine/planner/analysis.ts), nothing executable: the planner builds the logical and execution plans from it.',
}
/** Files allowed to import a service library: the adapters. */
const ADAPTER_FILES = ['src/kafka/**', 'src/mysql/**', 'src/stack/native/mariadb-native.ts']

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.dip/**', 'data_lake/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-restricted-syntax': ['error', ...BASE_SYNTAX],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/ksql-engine/**', '**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...BASE_SYNTAX, ENGINE_VIA_INDEX_DYNAMIC] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', ...ADAPTER_FILES],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ADAPTERS_ONLY, NOT_THE_SHELL, ENGINE_VIA_INDEX] }],
    },
  },
  {
    // Tests may reach into the engine (a real server, type constructors) to test their room.
    files: ['src/**/*.test.ts'],
    ignores: [
      'src/cli/**',
      'src/ksql-engine/**',
      ...ADAPTER_FILES,
      'src/lab/**',
      'src/consume/**',
      'src/beam/**',
      'src/app/**',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ADAPTERS_ONLY, NOT_THE_SHELL] }] },
  },
  {
    files: ADAPTER_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_SHELL, ENGINE_VIA_INDEX] }] },
  },
  {
    // A command reads its context, calls cores and prints: what two commands share is a core.
    files: ['src/commands/**/*.ts'],
    ignores: ['src/commands/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ADAPTERS_ONLY,
            NOT_THE_SHELL,
            {
              group: ['./*'],
              message: 'A command imports no other command: move what they share into a core.',
            },
          ],
        },
      ],
    },
  },
  {
    // Lab and orchestration cores and the Beam jobs call cores, never a command.
    files: ['src/lab/**/*.ts', 'src/consume/**/*.ts', 'src/beam/**/*.ts', 'src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ADAPTERS_ONLY,
            NOT_THE_SHELL,
            ENGINE_VIA_INDEX,
            {
              group: ['**/commands/**'],
              message: 'Cores never import a command: move the logic into a core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ksql-engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ENGINE_PATTERNS }] },
  },
  {
    // The engine's stages only look down: the runtime and planner run a plan, they never re-read
    // the statement. Expression nodes and their helpers live in src/ksql-engine/expression/.
    files: [
      'src/ksql-engine/runtime/**/*.ts',
      'src/ksql-engine/planner/**/*.ts',
      'src/ksql-engine/expression/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_PATTERNS, STAGES_LOOK_DOWN] }] },
  },
  {
    files: ['src/ksql-engine/analyzer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ENGINE_PATTERNS, ANALYZER_BUILDS_NO_PLAN] }],
    },
  },
  {
    // Small files: counted with blank lines and comments.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['src/ksql-engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
)
