/**
 * A minimal server speaking Upstash Redis's REST protocol, backed by a real
 * Redis over TCP: lets the Upstash adapter run the Cache contract suite here,
 * where no Upstash endpoint exists (npm has no maintained local one; Upstash's
 * own "serverless-redis-http" is a Go/Docker image). It implements what the
 * @upstash/redis client sends: `POST /` with a JSON command array, bearer
 * token, and the `Upstash-Encoding: base64` response encoding. It tests our
 * adapter and the client against our reading of the protocol, not Upstash.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

export interface UpstashRestServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

type Reply = string | number | null | Reply[];

function encode(value: Reply, base64: boolean): Reply {
  if (!base64) return value;
  if (typeof value === "string") return value === "OK" ? value : Buffer.from(value, "utf8").toString("base64");
  if (Array.isArray(value)) return value.map((item) => encode(item, base64));
  return value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startUpstashRestServer(redisUrl: string): Promise<UpstashRestServer> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const token = crypto.randomUUID();
  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
    const base64 = request.headers["upstash-encoding"] === "base64";
    const run = async (command: unknown): Promise<{ result: Reply } | { error: string }> => {
      if (!Array.isArray(command) || command.length === 0) return { error: "ERR expected a command array" };
      const [name, ...args] = command.map(String);
      try {
        return { result: encode((await redis.call(name ?? "", ...args)) as Reply, base64) };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    };
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      return reply(400, { error: "ERR malformed JSON" });
    }
    // The client pipelines automatically: POST /pipeline carries an array of commands.
    if (request.url === "/pipeline") {
      if (!Array.isArray(body)) return reply(400, { error: "ERR expected an array of commands" });
      const results = [];
      for (const command of body) results.push(await run(command));
      return reply(200, results);
    }
    const outcome = await run(body);
    return "error" in outcome ? reply(400, outcome) : reply(200, outcome);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
