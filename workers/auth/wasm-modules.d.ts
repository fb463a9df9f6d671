// Wrangler (and the Workers Vitest pool) import `.wasm` files as compiled
// `WebAssembly.Module`s (the CompiledWasm rule); workerd forbids compiling bytes at run time.
declare module "@phi-ag/argon2/argon2.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
