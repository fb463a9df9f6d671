/**
 * Password hashing with argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1)
 * through the reference C implementation compiled to WebAssembly
 * (`@phi-ag/argon2`'s .wasm). workerd refuses to compile WebAssembly from bytes
 * at run time, so the entry imports the .wasm as a module and hands us the
 * instance. We call the C API ourselves rather than the package's wrapper:
 * the wrapper passes `password.length` (UTF-16 units) as the byte length, which
 * silently truncates non-ASCII passwords, e.g. Cyrillic ones.
 */
export interface PasswordHasher {
  /** PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. */
  hash(password: string): Promise<string>;
  /** Constant-time inside libargon2; false for a mismatch or a malformed hash. */
  verify(encoded: string, password: string): Promise<boolean>;
  /** Spends one verification's time and returns false: for unknown emails. */
  verifyDummy(password: string): Promise<boolean>;
  /** True when `encoded` was made with other parameters than today's. */
  needsRehash(encoded: string): boolean;
}

export const argon2Parameters = { memoryKiB: 19_456, iterations: 2, parallelism: 1, saltBytes: 16, hashBytes: 32 } as const;

const argon2id = 2;
const version13 = 0x13;
// The hash of a random, forgotten password with today's parameters: verifying
// against it costs exactly what a real verification costs.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$WGIUOE3DbxNgFACESD2iGg$yacxn+bNXY1xvW72otD7aL2Nw35FFCqdKMqwrBWbOWw";

interface Argon2Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  argon2_encodedlen(t: number, m: number, p: number, saltLength: number, hashLength: number, type: number): number;
  argon2_hash(
    t: number,
    m: number,
    p: number,
    password: number,
    passwordLength: number,
    salt: number,
    saltLength: number,
    hash: number,
    hashLength: number,
    encoded: number,
    encodedLength: number,
    type: number,
    version: number,
  ): number;
  argon2_verify(encoded: number, password: number, passwordLength: number, type: number): number;
}

/** NIST SP 800-63B asks for Unicode normalisation so the same password typed on two keyboards matches. */
function passwordBytes(password: string): Uint8Array {
  return new TextEncoder().encode(password.normalize("NFKC"));
}

/**
 * @example const hasher = createArgon2Hasher(await WebAssembly.instantiate(argon2Wasm));
 */
export function createArgon2Hasher(instance: WebAssembly.Instance): PasswordHasher {
  const wasm = instance.exports as unknown as Argon2Exports;
  wasm._initialize();
  const p = argon2Parameters;

  // Copies bytes into the wasm heap; the returned pointer must be freed.
  function place(bytes: Uint8Array, extra = 0): number {
    const pointer = wasm.malloc(bytes.length + extra);
    if (pointer === 0) throw new Error("argon2: out of memory");
    const heap = new Uint8Array(wasm.memory.buffer, pointer, bytes.length + extra);
    heap.fill(0);
    heap.set(bytes);
    return pointer;
  }

  function wipeAndFree(pointer: number, length: number): void {
    new Uint8Array(wasm.memory.buffer, pointer, length).fill(0);
    wasm.free(pointer);
  }

  function verifySync(encoded: string, password: string): boolean {
    const pwd = passwordBytes(password);
    const enc = place(new TextEncoder().encode(encoded), 1);
    const pwdPointer = place(pwd, 1);
    try {
      return wasm.argon2_verify(enc, pwdPointer, pwd.length, argon2id) === 0;
    } finally {
      wipeAndFree(pwdPointer, pwd.length + 1);
      wasm.free(enc);
    }
  }

  return {
    async hash(password) {
      const pwd = passwordBytes(password);
      const salt = crypto.getRandomValues(new Uint8Array(p.saltBytes));
      const encodedLength = wasm.argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism, p.saltBytes, p.hashBytes, argon2id);
      const pwdPointer = place(pwd, 1);
      const saltPointer = place(salt);
      const hashPointer = place(new Uint8Array(p.hashBytes));
      const encodedPointer = place(new Uint8Array(encodedLength));
      try {
        const code = wasm.argon2_hash(
          p.iterations,
          p.memoryKiB,
          p.parallelism,
          pwdPointer,
          pwd.length,
          saltPointer,
          p.saltBytes,
          hashPointer,
          p.hashBytes,
          encodedPointer,
          encodedLength,
          argon2id,
          version13,
        );
        if (code !== 0) throw new Error(`argon2_hash failed with code ${code}`);
        const encoded = new Uint8Array(wasm.memory.buffer, encodedPointer, encodedLength);
        const end = encoded.indexOf(0);
        return new TextDecoder().decode(encoded.slice(0, end < 0 ? encodedLength : end));
      } finally {
        wipeAndFree(pwdPointer, pwd.length + 1);
        wipeAndFree(hashPointer, p.hashBytes);
        wasm.free(saltPointer);
        wasm.free(encodedPointer);
      }
    },
    async verify(encoded, password) {
      if (!encoded.startsWith("$argon2id$")) return false;
      return verifySync(encoded, password);
    },
    async verifyDummy(password) {
      verifySync(dummyHash, password);
      return false;
    },
    needsRehash(encoded) {
      return !encoded.startsWith(`$argon2id$v=19$m=${p.memoryKiB},t=${p.iterations},p=${p.parallelism}$`);
    },
  };
}
