import { describe, expect, it } from "vitest";
import { SubsonicError, errorBody, formatOf, okBody, render } from "./envelope.ts";
import { replayGainDb, indexLetter } from "./mapping.ts";
import { md5Hex } from "./md5.ts";
import { SubsonicParams } from "./params.ts";
import { appPasswordKey, decodeLegacyPassword, decryptSecret, encryptSecret, newApiKey, newAppPassword, timingSafeEqual, tokenMatches } from "./secrets.ts";

describe("Subsonic building blocks", () => {
  it("md5 matches RFC 1321 and the Subsonic documentation's token example", () => {
    expect(md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(md5Hex("message digest")).toBe("f96b697d7cb7938d525a2f31aaf161d0");
    // 56 and 64 bytes: the padding spills into a second block.
    expect(md5Hex("x".repeat(56))).toBe("668a72d5ba17f08e62dabcafad6db14b");
    expect(md5Hex("пароль")).toBe("e242f36f4f95f12966da8fa2efd59992");
    expect(md5Hex("sesamec19b2d")).toBe("26719a1196d2a940705a59634eb18eab");
    expect(tokenMatches("sesame", "c19b2d", "26719A1196D2A940705A59634EB18EAB")).toBe(true);
    expect(tokenMatches("sesame", "c19b2e", "26719a1196d2a940705a59634eb18eab")).toBe(false);
  });

  it("decodes p=enc: hex and refuses broken hex", () => {
    expect(decodeLegacyPassword("enc:736573616d65")).toBe("sesame");
    expect(decodeLegacyPassword("sesame")).toBe("sesame");
    expect(decodeLegacyPassword("enc:7")).toBeNull();
    expect(decodeLegacyPassword("enc:zz")).toBeNull();
    expect(decodeLegacyPassword("enc:ff")).toBeNull();
  });

  it("compares without caring where the strings differ", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
  });

  it("seals app passwords to their row: another row id, key or a flipped byte does not open them", async () => {
    const key = await appPasswordKey(undefined);
    const other = await appPasswordKey(btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))));
    const rowId = crypto.randomUUID();
    const sealed = await encryptSecret(key, "k7mq2-x9aph-abcde-fghij", rowId);
    expect(await decryptSecret(key, sealed, rowId)).toBe("k7mq2-x9aph-abcde-fghij");
    expect(await decryptSecret(key, sealed, crypto.randomUUID())).toBeNull();
    expect(await decryptSecret(other, sealed, rowId)).toBeNull();
    const bytes = Uint8Array.from(atob(sealed), (c) => c.charCodeAt(0));
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect(await decryptSecret(key, btoa(String.fromCharCode(...bytes)), rowId)).toBeNull();
    expect(await decryptSecret(key, "not base64!", rowId)).toBeNull();
    await expect(appPasswordKey("c2hvcnQ=")).rejects.toThrow(/SUBSONIC_SECRET_KEY/);
  });

  it("makes keys and passwords that differ every time", () => {
    expect(new Set(Array.from({ length: 50 }, newApiKey)).size).toBe(50);
    expect(new Set(Array.from({ length: 50 }, newAppPassword)).size).toBe(50);
  });

  it("renders XML by the Subsonic rules, escaping attributes and dropping characters XML forbids", async () => {
    const body = okBody({
      song: [{ id: "1", title: 'A & "B" <c>\u0001', genres: [{ name: "x" }], isrc: ["I1", "I2"], replayGain: {} }],
      genre: { value: "Rock & Roll", songCount: 1 },
    });
    const xml = await render(formatOf(undefined, undefined), body).text();
    expect(xml).toContain('<song id="1" title="A &amp; &quot;B&quot; &lt;c&gt;"><genres name="x"/><isrc>I1</isrc><isrc>I2</isrc><replayGain/></song>');
    expect(xml).toContain('<genre songCount="1">Rock &amp; Roll</genre>');
    const json = await render(formatOf("json", undefined), okBody({ a: undefined, b: [] })).json<{ "subsonic-response": Record<string, unknown> }>();
    expect(json["subsonic-response"]).not.toHaveProperty("a");
    expect(json["subsonic-response"].b).toEqual([]);
    const failed = await render({ kind: "json" }, errorBody(new SubsonicError(44, "Invalid API key.", "https://x"))).json();
    expect(failed).toMatchObject({ "subsonic-response": { status: "failed", error: { code: 44, message: "Invalid API key.", helpUrl: "https://x" } } });
  });

  it("chooses the format, JSONP only for a plain callback", () => {
    expect(formatOf("json", undefined)).toEqual({ kind: "json" });
    expect(formatOf("jsonp", "cb.handler")).toEqual({ kind: "jsonp", callback: "cb.handler" });
    expect(formatOf("jsonp", "a;alert(1)")).toEqual({ kind: "xml" });
    expect(formatOf("yaml", undefined)).toEqual({ kind: "xml" });
  });

  it("reads repeated parameters from the query and a form body, with integer rules", async () => {
    const request = new Request("https://x/rest/star?id=1&id=2&size=10000", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "id=3&offset=-5&n=abc",
    });
    const params = await SubsonicParams.from(request);
    expect(params.all("id")).toEqual(["1", "2", "3"]);
    expect(params.int("size", { min: 1, max: 500, fallback: 10 })).toBe(500);
    expect(params.int("offset", { min: 0, max: 10, fallback: 0 })).toBe(0);
    expect(params.int("missing", { min: 0, max: 10, fallback: 7 })).toBe(7);
    expect(() => params.int("n", { min: 0, max: 10, fallback: 0 })).toThrow(SubsonicError);
    expect(() => params.required("nothing")).toThrow(/Required parameter is missing: nothing/);
    await expect(
      SubsonicParams.from(new Request("https://x/rest/ping", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })),
    ).rejects.toThrow(/x-www-form-urlencoded/);
    await expect(SubsonicParams.from(new Request(`https://x/rest/ping?v=${"a".repeat(3000)}`))).rejects.toThrow(/longer than/);
  });

  it("maps loudness to ReplayGain and names index letters", () => {
    expect(replayGainDb(-14)).toBe(-4);
    expect(replayGainDb(-20.5)).toBe(2.5);
    expect(replayGainDb(-13.37)).toBe(-4.63);
    expect(indexLetter("кино")).toBe("К");
    expect(indexLetter("  queen")).toBe("Q");
    expect(indexLetter("2Pac")).toBe("#");
  });
});
