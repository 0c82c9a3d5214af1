import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isPreactModule, patchPreactAssign } from './frozenPrototype';

const preactDir = dirname(createRequire(import.meta.url).resolve('preact/package.json'));
const MODULES = ['dist/preact.module.js', 'dist/preact.mjs', 'compat/dist/compat.module.js', 'compat/dist/compat.mjs'];

/** The `assign` function in a Preact module, as source text (the one `patchPreactAssign` rewrites). */
function assignSource(code: string): string {
  const found = /function [\w$]+\(([\w$]+),([\w$]+)\)\{for\(var [\w$]+ in \2\).*?;return \1\}/.exec(code);
  if (!found) throw new Error('no assign() found');
  return found[0];
}

/** Runs `assign({}, vnodeLike)` in a fresh realm whose Object.prototype is frozen, as in the desktop window. */
function copyVnodeUnderFrozenPrototype(source: string): unknown {
  const realm = vm.createContext({});
  return vm.runInContext(
    `'use strict';
     Object.freeze(Object.prototype);
     const assign = (${source});
     const vnode = { type: 'div', props: {}, constructor: undefined, __v: 1 };
     const copy = assign({}, vnode);
     JSON.stringify({ own: Object.prototype.hasOwnProperty.call(copy, 'constructor'), value: copy.constructor, type: copy.type, v: copy.__v });`,
    realm,
  );
}

describe('preact under a frozen Object.prototype (build/frozenPrototype.ts)', () => {
  it.each(MODULES)('rewrites the one assign() in %s', (file) => {
    const path = join(preactDir, file);
    expect(isPreactModule(path)).toBe(true);
    const original = readFileSync(path, 'utf8');
    const patched = patchPreactAssign(original, path);
    expect(patched).not.toBe(original);
    // everything else stays as it was
    expect(patched.replace(assignSource(patched), '')).toBe(original.replace(assignSource(original), ''));
    // Preact's own copy throws there (the bug); the rewritten one copies `constructor` as an own property
    expect(() => copyVnodeUnderFrozenPrototype(assignSource(original))).toThrow(/read.only|constructor/i);
    expect(JSON.parse(copyVnodeUnderFrozenPrototype(assignSource(patched)) as string)).toEqual({ own: true, type: 'div', v: 1 });
  });

  it('leaves other modules alone, and fails loudly when Preact changes its code', () => {
    expect(isPreactModule('/x/node_modules/@fullcalendar/core/index.js')).toBe(false);
    expect(isPreactModule('/x/node_modules/preact/hooks/dist/hooks.module.js')).toBe(false);
    expect(() => patchPreactAssign('export const assign = Object.assign;', 'preact.module.js')).toThrow(/expected one Preact assign/);
  });
});
