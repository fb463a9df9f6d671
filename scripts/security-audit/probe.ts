export interface ProbeContext { baseUrl: string; fetch: typeof fetch; /** a fresh unique email */ email(): string; }
export interface ProbeResult { ok: boolean; detail: string }
export interface Probe { id: string; title: string; run(ctx: ProbeContext): Promise<ProbeResult> }
