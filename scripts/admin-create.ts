/**
 * `npm run admin:create -- --email you@example.com`: the very first admin, the
 * one role that cannot be granted through the product (every later admin,
 * editor and artist is granted by an admin through the API).
 *
 * Creates the account or promotes an existing one, records it in the audit log
 * (actor: the CLI), and, when the account has no password, prints a one-time
 * link to set one (POST /auth/password/set, valid 24 hours). Works against
 * DATABASE_URL or the embedded database: while `npm start` runs, through its
 * socket; otherwise it opens the data directory itself.
 */
import { parseArgs } from "node:util";
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordAudit } from "../shared/audit/audit-log.ts";
import { ConfigError, nodeConfigSchema, parseConfig } from "../shared/config.ts";
import type { Database } from "../shared/db/database.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { normalizeEmail } from "../workers/auth/accounts.ts";
import { createAccountToken } from "../workers/auth/account-tokens.ts";
import { resolveDatabase } from "./database-url.ts";

export interface AdminCreated {
  accountId: string;
  created: boolean;
  roles: string[];
  /** A one-time password-set token when the account has no password. */
  passwordToken: string | null;
}

const emailSchema = z.email({ error: "expected an email address" }).max(254);

/** The whole operation, in one transaction, so a failure leaves no half-made admin. */
export async function createAdmin(db: Kysely<Database>, rawEmail: string): Promise<AdminCreated> {
  const email = normalizeEmail(emailSchema.parse(rawEmail.trim()));
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("auth.accounts").select(["id", "roles", "password_hash"]).where("email", "=", email).forUpdate().executeTakeFirst();
    const account =
      existing ??
      (await trx
        .insertInto("auth.accounts")
        .values({ email, password_hash: null, roles: ["listener", "admin"] })
        .returning(["id", "roles", "password_hash"])
        .executeTakeFirstOrThrow());
    const before = existing ? [...existing.roles] : null;
    let roles = account.roles;
    if (!roles.includes("admin")) {
      roles = [...roles, "admin"];
      await trx.updateTable("auth.accounts").set({ roles, updated_at: new Date() }).where("id", "=", account.id).execute();
    }
    if (!existing || !existing.roles.includes("admin")) {
      await recordAudit(trx, {
        actor: { userId: null, roles: ["cli"] },
        action: existing ? "role.grant" : "account.create",
        targetType: "account",
        targetId: account.id,
        before: before ? { roles: before } : null,
        after: { email, roles },
        reason: "npm run admin:create",
      });
    }
    const passwordToken = account.password_hash === null ? await createAccountToken(trx, { accountId: account.id, purpose: "set" }) : null;
    return { accountId: account.id, created: !existing, roles, passwordToken };
  });
}

/** Connects to the running `npm start`'s embedded database when there is one, else opens it. */
async function openDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const config = parseConfig(nodeConfigSchema, process.env);
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => undefined };
  const runningUrl = `postgres://postgres@127.0.0.1:${config.EMBEDDED_DB_PORT}/postgres`;
  const probe = createPostgresDatabase(runningUrl, { maxConnections: 1 });
  try {
    await probe.selectFrom("auth.accounts").select("id").limit(1).execute();
    return { url: runningUrl, stop: async () => undefined };
  } catch {
    return resolveDatabase(config);
  } finally {
    await probe.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: "string" }, help: { type: "boolean" } } });
  if (values.help || !values.email) {
    console.log("usage: npm run admin:create -- --email you@example.com");
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const database = await openDatabase();
  const db = createPostgresDatabase(database.url, { maxConnections: 1 });
  try {
    const result = await createAdmin(db, values.email);
    console.log(`${result.created ? "created" : "promoted"} ${values.email} (account ${result.accountId}), roles: ${result.roles.join(", ")}`);
    if (result.passwordToken) {
      const gateway = process.env.PUBLIC_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? "8787"}`;
      console.log(`The account has no password. Set one within 24 hours (the token works once):`);
      console.log(`  curl -X POST ${gateway}/auth/password/set -H 'content-type: application/json' \\`);
      console.log(`       -d '{"token":"${result.passwordToken}","password":"<your new password>"}'`);
    } else {
      console.log("Sign in with the account's password (POST /auth/login); the admin role arrives with the next sign-in or refresh.");
    }
  } finally {
    await db.destroy();
    await database.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof z.ZodError ? `--email: ${error.issues[0]?.message}` : error);
    process.exit(1);
  });
}
