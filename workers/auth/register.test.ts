import { describe, expect, it } from "vitest";
import { postJson, signIn, signUp, strongPassword, uniqueEmail } from "./testing.ts";

async function comparable(response: Response) {
  const headers = [...response.headers].filter(([name]) => !["x-request-id", "traceparent"].includes(name));
  return { status: response.status, headers, body: await response.text() };
}

describe("POST /auth/register", () => {
  it("answers a new and an existing email identically, and leaves the existing account alone", async () => {
    const { email } = await signUp();
    const fresh = await postJson("/auth/register", { email: uniqueEmail(), password: strongPassword });
    const taken = await postJson("/auth/register", { email: email.toUpperCase(), password: "a different long password" });
    expect(fresh.status).toBe(202);
    expect(await comparable(taken)).toEqual(await comparable(fresh));
    // The original password still signs in; the would-be hijacker's does not.
    await expect(signIn(email)).resolves.toMatchObject({ token_type: "Bearer" });
    expect((await postJson("/auth/login", { email, password: "a different long password" })).status).toBe(401);
  });

  it("creates listeners that can sign in at once", async () => {
    const tokens = await signUp();
    expect(tokens.access_token.split(".")).toHaveLength(3);
  });

  it.each([
    ["7 characters", "abcdefg", "at least 8"],
    ["129 characters", "x".repeat(129), "at most 128"],
    ["a most common password", "baseball", "most common"],
    ["a common password in other case", "PassWord1", "most common"],
  ])("refuses %s with 400 naming body.password", async (_name, password, message) => {
    const response = await postJson("/auth/register", { email: uniqueEmail(), password });
    expect(response.status).toBe(400);
    const problem = await response.json<{ code: string; errors: Array<{ field: string; message: string }> }>();
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors).toEqual([{ field: "body.password", message: expect.stringContaining(message) }]);
  });

  it.each([
    ["exactly 8 characters", "q7#vk2!m"],
    ["64 characters", "long passphrases are welcome here ".repeat(2).slice(0, 64)],
    ["128 characters", "z".repeat(127) + "!"],
    ["8 Cyrillic characters (16 bytes)", "тунец-42"],
    ["spaces and emoji, no composition rules", "my 🐟 swims at dawn"],
  ])("accepts %s and signs in with it", async (_name, password) => {
    const email = uniqueEmail();
    expect((await postJson("/auth/register", { email, password })).status).toBe(202);
    expect((await postJson("/auth/login", { email, password })).status).toBe(200);
  });

  it("tells apart non-ASCII passwords that share a prefix (no truncation)", async () => {
    const email = uniqueEmail();
    expect((await postJson("/auth/register", { email, password: "жжжжжжжжжж-один" })).status).toBe(202);
    expect((await postJson("/auth/login", { email, password: "жжжжжжжжжж-два" })).status).toBe(401);
    expect((await postJson("/auth/login", { email, password: "жжжжжжжжжж-один" })).status).toBe(200);
  });

  it("refuses a malformed email", async () => {
    const response = await postJson("/auth/register", { email: "nobody", password: strongPassword });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: "body.email" }] });
  });
});
