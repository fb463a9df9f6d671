/**
 * Account probes of issue 17 (items 2, 9, 10; docs/security.md) against `npm start`. The mail
 * probes go the whole way: outbox → CDC → event backbone → notify → the development SMTP sink.
 */
import type { Probe, ProbeContext, ProbeResult } from "../probe.ts";

const password = "audit probe walks the quiet harbour";
const json = { "content-type": "application/json" };

interface Tokens {
  access_token: string;
  refresh_token: string;
}

function post(ctx: ProbeContext, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return ctx.fetch(`${ctx.baseUrl}${path}`, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });
}

async function registered(ctx: ProbeContext): Promise<{ email: string; tokens: Tokens }> {
  const email = ctx.email();
  const created = await post(ctx, "/auth/register", { email, password });
  if (created.status !== 202) throw new Error(`register answered ${created.status}`);
  return { email, tokens: await login(ctx, email, password) };
}

async function login(ctx: ProbeContext, email: string, secret: string, headers: Record<string, string> = {}): Promise<Tokens> {
  const response = await post(ctx, "/auth/login", { email, password: secret }, headers);
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return (await response.json()) as Tokens;
}

/** Waits for a mail to `to` whose text has a link to `page`, and returns the link's token. */
async function mailedToken(ctx: ProbeContext, to: string, page: string, timeoutMs = 20_000): Promise<string | undefined> {
  const pattern = new RegExp(`${page}#token=([A-Za-z0-9_-]{43})`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await ctx.fetch(`${ctx.mailUrl}/messages?to=${encodeURIComponent(to)}`).catch(() => undefined);
    if (response?.ok) {
      const messages = (await response.json()) as { text: string }[];
      const token = messages.map((message) => pattern.exec(message.text)?.[1]).findLast((found) => found !== undefined);
      if (token) return token;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

async function refreshStatus(ctx: ProbeContext, refreshToken: string): Promise<number> {
  return (await post(ctx, "/auth/refresh", { refresh_token: refreshToken })).status;
}

export const probes: Probe[] = [
  {
    id: "account.verify-by-mail",
    title: "registration mails a verification link (outbox, event backbone, notify, SMTP) that verifies the address once",
    async run(ctx): Promise<ProbeResult> {
      const { email, tokens } = await registered(ctx);
      const token = await mailedToken(ctx, email, "/account/verify-email");
      if (!token) return { ok: false, detail: `no verification mail reached ${ctx.mailUrl} within 20 s` };
      const first = await post(ctx, "/auth/email/verify", { token });
      const again = await post(ctx, "/auth/email/verify", { token });
      const account = await ctx.fetch(`${ctx.baseUrl}/auth/account`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      const { email_verified: verified } = (await account.json()) as { email_verified?: boolean };
      return {
        ok: first.status === 200 && again.status === 400 && verified === true,
        detail: `verify ${first.status}, again ${again.status}, email_verified ${verified}`,
      };
    },
  },
  {
    id: "account.forgot-no-enumeration",
    title: "a reset request for a registered and an unknown address gets the same answer",
    async run(ctx): Promise<ProbeResult> {
      const { email } = await registered(ctx);
      const known = await post(ctx, "/auth/password/forgot", { email });
      const unknown = await post(ctx, "/auth/password/forgot", { email: ctx.email() });
      const [knownBody, unknownBody] = [await known.text(), await unknown.text()];
      const ok = known.status === 202 && unknown.status === 202 && knownBody === unknownBody;
      return { ok, detail: `known ${known.status}, unknown ${unknown.status}, bodies ${knownBody === unknownBody ? "equal" : "differ"}` };
    },
  },
  {
    id: "account.reset-by-mail",
    title: "a mailed reset link sets a new password once and signs every session out",
    async run(ctx): Promise<ProbeResult> {
      const { email, tokens } = await registered(ctx);
      await post(ctx, "/auth/password/forgot", { email });
      const token = await mailedToken(ctx, email, "/account/reset-password");
      if (!token) return { ok: false, detail: "no reset mail within 20 s" };
      const fresh = "a brand new audit passphrase here";
      const set = await post(ctx, "/auth/password/set", { token, password: fresh });
      const reuse = await post(ctx, "/auth/password/set", { token, password: `${fresh} again` });
      const oldSession = await refreshStatus(ctx, tokens.refresh_token);
      const newLogin = (await post(ctx, "/auth/login", { email, password: fresh })).status;
      const ok = set.status === 204 && reuse.status === 400 && oldSession === 401 && newLogin === 200;
      return { ok, detail: `set ${set.status}, reuse ${reuse.status}, old session refresh ${oldSession}, new login ${newLogin}` };
    },
  },
  {
    id: "account.password-change",
    title: "changing the password needs the current one and signs the other sessions out",
    async run(ctx): Promise<ProbeResult> {
      const { email, tokens: phone } = await registered(ctx);
      const laptop = await login(ctx, email, password);
      const change = (current: string) =>
        post(
          ctx,
          "/auth/password/change",
          { current_password: current, new_password: "changed audit passphrase for tunec" },
          { authorization: `Bearer ${laptop.access_token}` },
        );
      const wrong = (await change("not the password")).status;
      const right = (await change(password)).status;
      const other = await refreshStatus(ctx, phone.refresh_token);
      const own = await refreshStatus(ctx, laptop.refresh_token);
      const ok = wrong === 401 && right === 204 && other === 401 && own === 200;
      return { ok, detail: `wrong current ${wrong}, change ${right}, other session ${other}, this session ${own}` };
    },
  },
  {
    id: "auth.refresh-retry",
    title: "two concurrent refreshes with one token (a network retry) both succeed with the same successor",
    async run(ctx): Promise<ProbeResult> {
      const { tokens } = await registered(ctx);
      const [a, b] = await Promise.all([
        post(ctx, "/auth/refresh", { refresh_token: tokens.refresh_token }),
        post(ctx, "/auth/refresh", { refresh_token: tokens.refresh_token }),
      ]);
      const [bodyA, bodyB] = (await Promise.all([a.json(), b.json()])) as Partial<Tokens>[];
      const same = bodyA?.refresh_token !== undefined && bodyA.refresh_token === bodyB?.refresh_token;
      const successor = same && bodyA?.refresh_token ? await refreshStatus(ctx, bodyA.refresh_token) : 0;
      const ok = a.status === 200 && b.status === 200 && same && successor === 200;
      return { ok, detail: `answers ${a.status}/${b.status}, same successor ${same}, successor refresh ${successor}` };
    },
  },
  {
    id: "auth.stranger-lockout",
    title: "a stranger's wrong passwords lock out the stranger's address, not the owner",
    async run(ctx): Promise<ProbeResult> {
      const { email } = await registered(ctx);
      // Under wrangler dev a client's CF-Connecting-IP passes through, so one machine can play two addresses.
      const stranger = { "cf-connecting-ip": `203.0.113.${1 + Math.floor(Math.random() * 254)}` };
      let lastStranger = 0;
      for (let attempt = 0; attempt < 11; attempt++) lastStranger = (await post(ctx, "/auth/login", { email, password: "wrong guess" }, stranger)).status;
      const owner = (await post(ctx, "/auth/login", { email, password }, { "cf-connecting-ip": `198.51.100.${1 + Math.floor(Math.random() * 254)}` })).status;
      return { ok: lastStranger === 429 && owner === 200, detail: `stranger's 11th try ${lastStranger}, owner from own address ${owner}` };
    },
  },
];
