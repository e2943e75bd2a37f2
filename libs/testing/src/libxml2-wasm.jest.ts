import * as vm from 'node:vm';

/**
 * What `import('libxml2-wasm')` resolves to under jest (jest.config.js maps the module here).
 *
 * libxml2-wasm is an ES module with top-level await, which `require` cannot load, and jest runs our CommonJS
 * code in a vm context where `import()` needs --experimental-vm-modules. Node's own loader imports it instead,
 * from the main context; our transpiled `import()` (`Promise.resolve().then(() => require(…))`) gets this module,
 * a thenable, and so resolves to the real module namespace. The built services import it natively.
 */
const importNatively = vm.runInThisContext('(specifier) => import(specifier)', {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}) as (specifier: string) => Promise<unknown>;

const loaded = importNatively('libxml2-wasm');

export function then(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  loaded.then(resolve, reject);
}
