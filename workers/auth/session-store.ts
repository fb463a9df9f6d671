/**
 * The port between the auth routes and the per-user Session Durable Object
 * (durable-objects/session). The DO deals only in opaque secrets; the routes
 * prefix them with the user id (see ./refresh-token.ts) to find the DO again.
 */
export interface ClientInfo {
  /** What the client calls itself (`X-Device-Name`), e.g. "Pixel 8". */
  device: string | null;
  userAgent: string | null;
  ip: string | null;
}

export interface SessionInfo {
  id: string;
  device: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

export interface OpenedSession {
  sessionId: string;
  /** The new refresh secret, returned once; only its SHA-256 is kept. */
  secret: string;
  expiresAt: string;
}

export type RotateResult = ({ ok: true } & OpenedSession) | { ok: false; reason: "unknown" | "reused" | "revoked" | "expired" };

/** One user's token families, one family per sign-in (device). */
export interface SessionStore {
  open(client: ClientInfo): Promise<OpenedSession>;
  /** Rotates a refresh secret. A secret already used revokes its whole family (RFC 9700 §4.14.2). */
  rotate(secret: string, client: ClientInfo): Promise<RotateResult>;
  /** Revokes by family id; false when there was no live family of that id. */
  revoke(sessionId: string): Promise<boolean>;
  /** Revokes every live family but `except` (a password set or changed, a role changed); how many it revoked. */
  revokeAll(options?: { except?: string }): Promise<number>;
  /** Revokes the family a refresh secret belongs to (logout); false when unknown. */
  revokeBySecret(secret: string): Promise<boolean>;
  list(): Promise<SessionInfo[]>;
  isActive(sessionId: string): Promise<boolean>;
}

export interface SessionDirectory {
  forUser(userId: string): SessionStore;
}
