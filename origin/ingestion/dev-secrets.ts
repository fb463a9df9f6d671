/**
 * `npm start`'s ingestion secrets: the upload-URL signing key (edge) and the
 * token the origin shows the edge's internal object endpoint. Taken from the
 * environment when set; otherwise made once and kept in DATA_DIR (mode 0600),
 * so signed URLs and the shared bucket survive restarts.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface IngestionSecrets {
  UPLOAD_SIGNING_KEY: string;
  STORAGE_INTERNAL_TOKEN: string;
  /** A dotenv file with both, for `wrangler dev --env-file`. */
  envFile: string;
}

const random = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");

function parseDotenv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1] ?? "", match[2] ?? ""]),
  );
}

export async function ensureIngestionSecrets(dataDir: string, env: Record<string, string | undefined> = process.env): Promise<IngestionSecrets> {
  await mkdir(dataDir, { recursive: true });
  const envFile = join(dataDir, "ingestion-secrets.env");
  const stored = parseDotenv(await readFile(envFile, "utf8").catch(() => ""));
  const secrets = {
    UPLOAD_SIGNING_KEY: env.UPLOAD_SIGNING_KEY || stored.UPLOAD_SIGNING_KEY || random(32),
    STORAGE_INTERNAL_TOKEN: env.STORAGE_INTERNAL_TOKEN || stored.STORAGE_INTERNAL_TOKEN || random(32),
  };
  const text = `# Made by npm start; delete to rotate.\nUPLOAD_SIGNING_KEY=${secrets.UPLOAD_SIGNING_KEY}\nSTORAGE_INTERNAL_TOKEN=${secrets.STORAGE_INTERNAL_TOKEN}\n`;
  if (stored.UPLOAD_SIGNING_KEY !== secrets.UPLOAD_SIGNING_KEY || stored.STORAGE_INTERNAL_TOKEN !== secrets.STORAGE_INTERNAL_TOKEN) {
    await writeFile(envFile, text, { mode: 0o600 });
  }
  return { ...secrets, envFile };
}
