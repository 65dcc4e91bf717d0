// One lint configuration for the whole monorepo: TypeScript sources and the plain JS build scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: [
            '**/node_modules/**', '**/lib/**', '**/src-gen/**', '**/gen-esbuild.*.mjs', '**/esbuild.mjs',
            'plugins/*/syntaxes/**', 'bench/results/**', '**/src/generated/**'
        ]
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts', '**/*.tsx'],
        rules: {
            '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
            '@typescript-eslint/no-require-imports': 'off',
            'eqeqeq': ['error', 'smart'],
            'prefer-const': 'error',
            'no-var': 'error',
            'curly': 'error',
            'quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: true }],
            'semi': ['error', 'always']
        }
    },
    {
        files: ['**/*.js', '**/*.mjs'],
        languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
        rules: { '@typescript-eslint/no-require-imports': 'off' }
    }
);
