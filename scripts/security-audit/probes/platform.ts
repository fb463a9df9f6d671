/** Platform probes of issue 17 (docs/security.md): what can be checked over HTTP against `npm start`. */
import type { Probe, ProbeContext, ProbeResult } from "../probe.ts";

const password = "audit probe walks the quiet harbour";

async function accessToken(ctx: ProbeContext): Promise<string> {
  const email = ctx.email();
  const json = { "content-type": "application/json" };
  const registered = await ctx.fetch(`${ctx.baseUrl}/auth/register`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
  if (registered.status !== 202) throw new Error(`register answered ${registered.status}`);
  const login = await ctx.fetch(`${ctx.baseUrl}/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return token;
}

async function uploadExport(ctx: ProbeContext, token: string, content: string): Promise<{ status: number; ms: number }> {
  const form = new FormData();
  form.set("provider", "vk");
  form.set("file", new File([content], "export.txt", { type: "text/plain" }));
  const started = performance.now();
  const response = await ctx.fetch(`${ctx.baseUrl}/me/imports`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  await response.arrayBuffer();
  return { status: response.status, ms: Math.round(performance.now() - started) };
}

/** The server (edge and the origin behind it) still answers promptly. */
async function stillAnswers(ctx: ProbeContext): Promise<number | undefined> {
  const started = performance.now();
  const health = await ctx.fetch(`${ctx.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  return health?.ok ? Math.round(performance.now() - started) : undefined;
}

function hostileUpload(content: () => string): Probe["run"] {
  return async (ctx): Promise<ProbeResult> => {
    const token = await accessToken(ctx);
    const { status, ms } = await uploadExport(ctx, token, content());
    const healthMs = await stillAnswers(ctx);
    const ok = status === 413 && ms < 5_000 && healthMs !== undefined;
    return { ok, detail: `upload answered ${status} in ${ms} ms; /healthz ${healthMs === undefined ? "did not answer in 2 s" : `answered in ${healthMs} ms`}` };
  };
}

export const probes: Probe[] = [
  {
    id: "platform.import-long-line",
    title: "an export file with a 1 MB line of spaces and no dash is refused (413) at once",
    run: hostileUpload(() => `a${" ".repeat(1_000_000)}b`),
  },
  {
    id: "platform.import-many-lines",
    title: "an export file with more than 20,000 lines is refused (413)",
    run: hostileUpload(() => "Artist - Title\n".repeat(20_001)),
  },
  {
    id: "platform.import-ordinary",
    title: "an ordinary export file is still accepted (202)",
    async run(ctx) {
      const token = await accessToken(ctx);
      const { status, ms } = await uploadExport(ctx, token, "Кино - Группа крови\n01) Queen - Bohemian Rhapsody\n");
      return { ok: status === 202, detail: `answered ${status} in ${ms} ms` };
    },
  },
];
