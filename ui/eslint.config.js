// ESLint 9 (flat config): typescript-eslint with type information, and React's hook rules.
// `npm run lint` allows no warning, so every rule here is one the code keeps.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // generated from the engine's Rust structs by ts-rs: fixed there, never here
  globalIgnores(['dist/', 'src/api/generated/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  reactHooks.configs.flat.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // this file is not in tsconfig.json, so it has no type information
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
