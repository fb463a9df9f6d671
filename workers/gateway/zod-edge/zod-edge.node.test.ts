import * as realCore from "zod/v4/core";
import * as realZod from "zod";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JS shims for the Worker bundle only (wrangler.toml [alias]); no type declarations.
import * as edgeCore from "./core.js";
// @ts-expect-error: as above.
import * as edgeZod from "./index.js";

// The shims must track zod on upgrade: the same exports minus the locales, or the Worker would miss a function.
describe("zod without locales for the Worker bundle", () => {
  it("exports what zod exports, except locales", () => {
    const names = (module: object) =>
      Object.keys(module)
        .filter((name) => name !== "locales")
        .sort();
    expect(names(edgeZod)).toEqual(names(realZod));
    expect(names(edgeCore)).toEqual(names(realCore));
  });
});
