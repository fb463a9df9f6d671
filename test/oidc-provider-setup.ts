import type { TestProject } from "vitest/node";
import { startOpenIdProvider, type RunningOpenIdProvider } from "./oidc-provider.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Issuer URL of the local OpenID provider (test/oidc-provider.ts) the OAuth tests sign in with. */
    oidcIssuer: string;
  }
}

let running: RunningOpenIdProvider | undefined;

export async function setup(project: TestProject): Promise<void> {
  running = await startOpenIdProvider();
  project.provide("oidcIssuer", running.issuer);
}

export async function teardown(): Promise<void> {
  await running?.close();
}
