export interface ProbeContext {
  baseUrl: string;
  fetch: typeof fetch;
  /** a fresh unique email */
  email(): string;
  /** The development mail sink's reader (`npm start` prints it): GET /messages?to=… */
  mailUrl: string;
}
export interface ProbeResult {
  ok: boolean;
  detail: string;
}
export interface Probe {
  id: string;
  title: string;
  run(ctx: ProbeContext): Promise<ProbeResult>;
}
