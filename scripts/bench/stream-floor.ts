/**
 * The floor under `GET /stream/{id}` (issue 18, item 1): a Worker that does
 * only what issuing a stream URL cannot skip while keeping its guarantees, and
 * nothing of ours around it:
 *
 * - one Durable Object call that takes a token from an in-memory bucket (the
 *   per-user rate limit; the real one persists lazily),
 * - one Durable Object call that commits one SQLite row (the play with its
 *   event: one stream per account and exactly-once play events need a durable
 *   write before the answer),
 * - one HMAC-SHA-256 signature of the media URL.
 *
 * `/stream1/{id}` is the same with one object call: the bucket kept in the
 * session object (the "one Durable Object call instead of two"; the
 * gateway's user bucket is shared by every route, so that would move every
 * authenticated request's limit into the listener's session object).
 *
 * No JWT, no routing framework, no validation, no catalog read, no relay. It
 * runs as a second Worker in the same workerd as the gateway (bench:playback
 * `--floor`), so `/stream` can be read against it as well as against `/ping`.
 */
export const floorWorkerName = "tunec-stream-floor";
/** Requests under this path prefix go to the floor Worker (Miniflare routes), the rest to the gateway. */
export const floorPrefix = "/__floor";

export const floorWorkerScript = `
import { DurableObject } from "cloudflare:workers";

export class FloorLimiter extends DurableObject {
  tat = 0;
  take() {
    const now = Date.now();
    this.tat = Math.max(this.tat, now) + 1;
    return this.tat - now < 3_600_000;
  }
}

export class FloorSession extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("create table if not exists plays (id text primary key, track text not null, at integer not null)");
  }
  play(id, track) {
    this.ctx.storage.sql.exec("insert into plays (id, track, at) values (?, ?, ?)", id, track, Date.now());
    return { id };
  }
  // The one-call variant: the rate limit's bucket kept in the same object as the lease.
  tat = 0;
  takeAndPlay(id, track) {
    const now = Date.now();
    this.tat = Math.max(this.tat, now) + 1;
    if (this.tat - now >= 3_600_000) return null;
    return this.play(id, track);
  }
}

const encoder = new TextEncoder();
let key;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname.slice(${JSON.stringify(floorPrefix)}.length);
    if (path === "/ping") return new Response("pong");
    const oneCall = path.startsWith("/stream1/");
    const track = path.startsWith("/stream/") ? path.slice("/stream/".length) : oneCall ? path.slice("/stream1/".length) : null;
    if (!track) return new Response("not found", { status: 404 });
    // One listener per client, as the gateway keys both objects by user.
    const user = request.headers.get("authorization") ?? "anonymous";
    const session = env.FLOOR_SESSION.get(env.FLOOR_SESSION.idFromName(user));
    let play;
    if (oneCall) {
      play = await session.takeAndPlay(crypto.randomUUID(), track);
      if (!play) return new Response("rate limited", { status: 429 });
    } else {
      const allowed = await env.FLOOR_LIMITER.get(env.FLOOR_LIMITER.idFromName(user)).take();
      if (!allowed) return new Response("rate limited", { status: 429 });
      play = await session.play(crypto.randomUUID(), track);
    }
    key ??= await crypto.subtle.importKey("raw", encoder.encode("floor-signing-key-of-32-bytes!!!"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const media = "/media/tracks/" + track + "/standard.m4a?play=" + play.id + "&exp=" + (Math.floor(Date.now() / 1000) + 21600);
    const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(media)));
    const sig = btoa(String.fromCharCode(...signature)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
    return Response.json({ url: media + "&sig=" + sig, playId: play.id, quality: "standard" });
  },
};
`;
