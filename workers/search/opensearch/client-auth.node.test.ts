import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, nodeConfigSchema, openSearchAuth, parseConfig, searchEdgeConfigSchema } from "../../../shared/config.ts";
import { createOpenSearchClient, OpenSearchError } from "./client.ts";

// A stand-in for a secured node (Elasticsearch 8+ or OpenSearch with the security plugin): it records headers and
// answers 401 as Elasticsearch does unless the request carries the expected credentials.
describe("OpenSearch client authentication", () => {
  const seen: IncomingHttpHeaders[] = [];
  let expected = "";
  let url = "";
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    request.on("end", () => {
      const ok = request.headers.authorization === expected;
      response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          ok
            ? request.url?.startsWith("/_bulk")
              ? { errors: false, items: [] }
              : { tagline: "You Know, for Search" }
            : { error: { type: "security_exception", reason: "missing authentication credentials for REST request [/]" }, status: 401 },
        ),
      );
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const tagline = z.object({ tagline: z.string() });

  it("sends an API key as `Authorization: ApiKey <key>` on requests and bulk writes", async () => {
    expected = "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
    const client = createOpenSearchClient({ url, auth: { apiKey: "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==" } });
    expect((await client.request("GET", "/", tagline)).body.tagline).toBe("You Know, for Search");
    await client.bulk([{ index: { _index: "x", _id: "1" } }, { title: "Кино" }]);
    expect(seen.slice(-2).map((headers) => headers.authorization)).toEqual([expected, expected]);
    expect(seen.at(-1)?.["content-type"]).toBe("application/x-ndjson");
  });

  it("sends basic auth as base64 of the UTF-8 user:password", async () => {
    expected = `Basic ${Buffer.from("elastic:пароль:with-colon", "utf8").toString("base64")}`;
    const client = createOpenSearchClient({ url, auth: { username: "elastic", password: "пароль:with-colon" } });
    expect((await client.request("GET", "/", tagline)).status).toBe(200);
    expect(seen.at(-1)?.authorization).toBe(expected);
  });

  it("fails with the node's reason, and never with the credentials, when they are wrong or missing", async () => {
    expected = "ApiKey right";
    for (const auth of [{ apiKey: "wrong-secret-key" }, undefined]) {
      const client = createOpenSearchClient({ url, auth });
      const error = await client.request("GET", "/", tagline).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenSearchError);
      expect((error as OpenSearchError).status).toBe(401);
      expect((error as OpenSearchError).message).toMatch(/security_exception/);
      expect((error as OpenSearchError).message).not.toMatch(/wrong-secret-key/);
      expect(JSON.stringify(client)).not.toMatch(/wrong-secret-key/);
    }
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });
});

describe("OpenSearch credentials in the configuration", () => {
  const problems = (source: Record<string, string>) => {
    try {
      parseConfig(searchEdgeConfigSchema, source);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.message;
    }
  };

  it("gives the client an API key, or basic auth, or nothing", () => {
    expect(openSearchAuth(parseConfig(nodeConfigSchema, { OPENSEARCH_API_KEY: "VnVhQ2ZHY0JD==" }))).toEqual({ apiKey: "VnVhQ2ZHY0JD==" });
    expect(openSearchAuth(parseConfig(nodeConfigSchema, { OPENSEARCH_USERNAME: "tunec", OPENSEARCH_PASSWORD: "s3cret" }))).toEqual({
      username: "tunec",
      password: "s3cret",
    });
    expect(openSearchAuth(parseConfig(nodeConfigSchema, {}))).toBeUndefined();
  });

  it("refuses half of basic auth, both kinds at once, and credentials in the URL, without echoing secrets", () => {
    expect(problems({ OPENSEARCH_USERNAME: "tunec" })).toMatch(/OPENSEARCH_PASSWORD.*both/);
    expect(problems({ OPENSEARCH_PASSWORD: "s3cret-pw" })).toMatch(/OPENSEARCH_USERNAME/);
    expect(problems({ OPENSEARCH_PASSWORD: "s3cret-pw" })).not.toMatch(/s3cret-pw/);
    expect(problems({ OPENSEARCH_API_KEY: "VnVhQ2ZHY0JD==", OPENSEARCH_USERNAME: "u", OPENSEARCH_PASSWORD: "p" })).toMatch(/either/);
    expect(problems({ OPENSEARCH_API_KEY: "not a key!" })).not.toMatch(/not a key/);
    const inUrl = problems({ OPENSEARCH_URL: "https://elastic:hunter2@es.example.com:9243" });
    expect(inUrl).toMatch(/OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD/);
    expect(inUrl).not.toMatch(/hunter2/);
  });
});
