import { describe, expect, it, vi } from "vitest";

// Each test gets fresh modules: the list is an isolate cache, and these tests are about reading it.
async function fresh() {
  vi.resetModules();
  const dataFiles = await import("../../shared/data-files.ts");
  const disk = await import("../../shared/data-files-disk.ts");
  const policy = await import("./password-policy.ts");
  return { ...dataFiles, ...disk, ...policy };
}

describe("the common-password check reads its list on first use", () => {
  it("refuses a listed password in any case and accepts an unlisted one, reading the list once", async () => {
    const { provideDataFiles, diskDataFiles, passwordProblem } = await fresh();
    const read = vi.fn(diskDataFiles());
    provideDataFiles(read);
    expect(await passwordProblem("PassWord1")).toMatch(/most common/);
    expect(await passwordProblem("tuna swims under the midnight bridge")).toBeNull();
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("fails closed when the list cannot be read, and reads it again on the next check", async () => {
    const { provideDataFiles, diskDataFiles, passwordProblem } = await fresh();
    provideDataFiles(() => Promise.reject(new Error("asset missing")));
    await expect(passwordProblem("password1")).rejects.toThrow(/asset missing/);
    provideDataFiles(diskDataFiles());
    expect(await passwordProblem("password1")).toMatch(/most common/);
  });

  it("refuses a list that is not the list (an HTML page, a truncated file)", async () => {
    const { provideDataFiles, passwordProblem } = await fresh();
    provideDataFiles(async () => "<!doctype html>");
    await expect(passwordProblem("password1")).rejects.toThrow(/corrupt/);
    provideDataFiles(async () => "0password1\n");
    await expect(passwordProblem("password1")).rejects.toThrow(/only 1 passwords/);
  });

  it("reads through the assets binding and refuses anything but a 200", async () => {
    const { assetDataFiles } = await fresh();
    const requested: string[] = [];
    const files = assetDataFiles({
      fetch: async (request) => {
        requested.push(new URL(request.url).pathname);
        return request.url.endsWith(".json") ? new Response("{}") : new Response("Not found", { status: 404 });
      },
    });
    expect(await files("problem-text.ru.json")).toBe("{}");
    await expect(files("common-passwords.txt")).rejects.toThrow(/404/);
    expect(requested).toEqual(["/_data/problem-text.ru.json", "/_data/common-passwords.txt"]);
  });
});
