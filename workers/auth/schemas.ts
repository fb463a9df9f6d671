import { z } from "@hono/zod-openapi";
import { passwordLength, passwordProblem } from "./password-policy.ts";

export const emailSchema = z.email({ error: "expected an email address" }).max(254).openapi({ example: "listener@example.com" });

export const newPasswordSchema = z
  .string()
  // Asynchronous (the list is read on first use): route validators parse with safeParseAsync.
  .superRefine(async (password, ctx) => {
    const problem = await passwordProblem(password);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    description: `${passwordLength.min}-${passwordLength.max} characters, any characters, not one of the most common passwords.`,
    minLength: passwordLength.min,
    maxLength: passwordLength.max,
    example: "correct horse battery staple",
  });

export const credentialsSchema = z
  .object({
    email: emailSchema,
    // Sign-in checks only a sane bound: older passwords may predate today's rules.
    password: z
      .string()
      .min(1)
      .max(passwordLength.max * 4),
  })
  .openapi("Credentials");

export const refreshTokenSchema = z
  .string()
  .min(1)
  .max(200)
  .openapi({ description: "The opaque refresh token from the last sign-in or refresh.", example: "5f0c…​.Qm9vb…" });

export const tokenResponseSchema = z
  .object({
    access_token: z.string().openapi({ description: "JWT (typ at+jwt), valid for `expires_in` seconds." }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    refresh_token: z.string().optional().openapi({
      description:
        "Opaque; single use: every refresh returns a new one. Absent with `X-Token-Transport: cookie`: it is then in the HttpOnly cookie `tunec_refresh` (Path=/auth).",
    }),
    refresh_token_expires_at: z.string().openapi({ format: "date-time" }),
    session_id: z.uuid().openapi({ description: "This sign-in's session (device), as listed by GET /auth/sessions." }),
  })
  .openapi("TokenResponse");

/** The error responses every auth route documents. */
export const problemContent = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
} as const;

export const bearerSecurity = [{ bearerAuth: [] as string[] }];
