/** Polls `url` until it answers 2xx; fails early if the server process (`exitCode`) died, or after 90 s. */
export async function waitUntilUp(url: string, exitCode: () => number | null): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exitCode() !== null) throw new Error(`the server exited with code ${exitCode()}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up within 90 s`);
}
