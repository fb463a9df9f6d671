/**
 * Subsonic parameters: the query string, plus an
 * application/x-www-form-urlencoded body (the OpenSubsonic `formPost`
 * extension, which keeps credentials out of URLs and access logs). Names may
 * repeat (`id=1&id=2`). Everything here is stranger input, so it is bounded
 * before it is parsed: body size, number of values, length of each value.
 */
import { SubsonicError, errorCodes } from "./envelope.ts";

export const maxBodyBytes = 64 * 1024;
const maxValues = 1_000;
const maxValueLength = 2_048;

/** A malformed request: answered as Subsonic error 0 (generic), never a 5xx. */
function malformed(message: string): SubsonicError {
  return new SubsonicError(errorCodes.generic, message);
}

export class SubsonicParams {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static async from(request: Request): Promise<SubsonicParams> {
    const values = new Map<string, string[]>();
    let count = 0;
    const add = (entries: URLSearchParams) => {
      for (const [name, value] of entries) {
        if (++count > maxValues) throw malformed(`At most ${maxValues} parameters.`);
        if (value.length > maxValueLength || name.length > 64) throw malformed(`A parameter is longer than ${maxValueLength} characters.`);
        const list = values.get(name);
        if (list) list.push(value);
        else values.set(name, [value]);
      }
    };
    add(new URL(request.url).searchParams);
    if (request.method === "POST") {
      const type = request.headers.get("content-type") ?? "";
      if (/^application\/x-www-form-urlencoded\b/i.test(type)) add(new URLSearchParams(await boundedText(request)));
      else if (request.body && !/^\s*$/.test(type)) throw malformed("POST parameters must be application/x-www-form-urlencoded.");
    }
    return new SubsonicParams(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  all(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === "") throw new SubsonicError(errorCodes.missingParameter, `Required parameter is missing: ${name}`);
    return value;
  }

  /** An integer within [min, max]; out-of-range values are clamped (clients send sizes like 10000), junk is an error. */
  int(name: string, options: { min: number; max: number; fallback: number }): number {
    const raw = this.get(name);
    if (raw === undefined || raw === "") return options.fallback;
    if (!/^-?\d{1,15}$/.test(raw)) throw malformed(`Parameter ${name} must be an integer.`);
    return Math.min(options.max, Math.max(options.min, Number(raw)));
  }

  /** An optional integer (no clamping); junk is an error. */
  optionalInt(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined || raw === "") return undefined;
    if (!/^-?\d{1,15}$/.test(raw)) throw malformed(`Parameter ${name} must be an integer.`);
    return Number(raw);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.get(name);
    if (raw === undefined || raw === "") return fallback;
    return raw === "true" || raw === "1";
  }
}

async function boundedText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw malformed(`The form body is larger than ${maxBodyBytes} bytes.`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      throw malformed(`The form body is larger than ${maxBodyBytes} bytes.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
