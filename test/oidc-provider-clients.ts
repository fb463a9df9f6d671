/** The clients the local OpenID provider (test/oidc-provider.ts) knows; shared with the Worker tests. */
export const testRedirectOrigin = "https://tunec.test";

export const testClients = {
  google: { client_id: "tunec-google", client_secret: "google-secret", token_endpoint_auth_method: "client_secret_basic" },
  vk: { client_id: "tunec-vk", token_endpoint_auth_method: "none" },
  yandex: { client_id: "tunec-yandex", client_secret: "yandex-secret", token_endpoint_auth_method: "client_secret_post" },
} as const;
