/** Hyperdrive insists on a password; trust-auth servers (PGlite, CI) ignore it. */
export function withPassword(url: string, password = "postgres"): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = password;
  return parsed.toString();
}

/** The same server, another database. @example withDatabase("postgres://h/test", "tunec_t1") */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
