/**
 * The development mail sink `npm start` runs: a real SMTP server
 * (`smtp-server`) that accepts every message and keeps it as an .eml file in a
 * folder, plus a tiny HTTP reader so people and end-to-end tests can see what
 * arrived:
 *
 *   GET    /messages[?to=addr]   newest last: [{ id, receivedAt, from, to, subject, messageId, text, html }]
 *   GET    /messages/{id}.eml    the raw message
 *   DELETE /messages             empties the sink
 *
 * Tests use `reject` to make it answer like a failing server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SinkMessage {
  id: string;
  receivedAt: string;
  /** Envelope sender and recipients (what the SMTP client said), lower-cased. */
  from: string;
  to: string[];
  subject: string;
  messageId: string | null;
  text: string;
  html: string | null;
}

export interface SmtpSinkOptions {
  /** Where messages are kept (created if missing). */
  directory: string;
  smtpPort: number;
  /** Port of the HTTP reader (0 = any free one); omitted = no reader. */
  httpPort?: number;
  host?: string;
  /** Return an SMTP reply code and text to refuse a message (e.g. 451 to simulate a transient failure). */
  reject?: (envelope: { from: string; to: string[] }) => { code: number; message: string } | undefined;
}

export interface SmtpSink {
  smtpUrl: string;
  /** The HTTP reader, when one was started. */
  httpUrl: string | undefined;
  messages(filter?: { to?: string }): Promise<SinkMessage[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

const addressOf = (value: { address: string } | false) => (value ? value.address.toLowerCase() : "");

function listen(
  server: { listen(port: number, host: string, callback: () => void): unknown; once(event: "error", listener: (error: Error) => void): unknown },
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? "127.0.0.1";
  const directory = options.directory;
  await mkdir(directory, { recursive: true });

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    // Plain SMTP on loopback: offering STARTTLS would make clients upgrade to the package's published test certificate.
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const envelope = { from: addressOf(session.envelope.mailFrom), to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()) };
        const refusal = options.reject?.(envelope);
        if (refusal) {
          const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          callback(error);
          return;
        }
        const id = `${Date.now().toString().padStart(15, "0")}-${crypto.randomUUID()}`;
        // The envelope goes first as headers of our own, so the reader knows who it was really for (Bcc included).
        const head = `X-Sink-Envelope-From: ${envelope.from}\r\nX-Sink-Envelope-To: ${envelope.to.join(", ")}\r\n`;
        writeFile(join(directory, `${id}.eml`), Buffer.concat([Buffer.from(head), ...chunks])).then(
          () => callback(null, `OK: queued as ${id}`),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await listen(smtp, options.smtpPort, host);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  async function messages(filter: { to?: string } = {}): Promise<SinkMessage[]> {
    const files = (await readdir(directory).catch(() => [] as string[])).filter((name) => name.endsWith(".eml")).sort();
    const parsed = await Promise.all(files.map((file) => readMessage(directory, file.slice(0, -4))));
    const to = filter.to?.toLowerCase();
    return parsed.filter((message): message is SinkMessage => message !== null && (!to || message.to.includes(to)));
  }

  async function clear(): Promise<void> {
    const files = (await readdir(directory).catch(() => [] as string[])).filter((name) => name.endsWith(".eml"));
    await Promise.all(files.map((file) => rm(join(directory, file), { force: true })));
  }

  let http: Server | undefined;
  if (options.httpPort !== undefined) {
    http = createServer((request, response) => void serve(request, response, directory, messages, clear));
    await listen(http, options.httpPort, host);
  }

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    httpUrl: http ? `http://${host}:${(http.address() as AddressInfo).port}` : undefined,
    messages,
    clear,
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http?.close(() => resolve()));
      }
    },
  };
}

async function readMessage(directory: string, id: string): Promise<SinkMessage | null> {
  const raw = await readFile(join(directory, `${id}.eml`)).catch(() => null);
  if (!raw) return null;
  const mail = await simpleParser(raw);
  const header = (name: string) => {
    const value = mail.headers.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    id,
    receivedAt: new Date(Number(id.split("-")[0])).toISOString(),
    from: header("x-sink-envelope-from"),
    to: header("x-sink-envelope-to")
      .split(",")
      .map((address) => address.trim())
      .filter(Boolean),
    subject: mail.subject ?? "",
    messageId: mail.messageId ?? null,
    text: mail.text ?? "",
    html: typeof mail.html === "string" ? mail.html : null,
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  directory: string,
  messages: (filter?: { to?: string }) => Promise<SinkMessage[]>,
  clear: () => Promise<void>,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://sink");
  try {
    if (url.pathname === "/messages" && request.method === "GET") {
      const to = url.searchParams.get("to");
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(await messages(to ? { to } : {})));
      return;
    }
    if (url.pathname === "/messages" && request.method === "DELETE") {
      await clear();
      response.writeHead(204).end();
      return;
    }
    const raw = /^\/messages\/([0-9]+-[0-9a-f-]{36})\.eml$/.exec(url.pathname);
    if (raw?.[1] && request.method === "GET") {
      const body = await readFile(join(directory, `${raw[1]}.eml`)).catch(() => null);
      if (body) {
        response.writeHead(200, { "content-type": "message/rfc822" }).end(body);
        return;
      }
    }
    response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
  } catch (error) {
    response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  }
}
