/** Payment instructions as the API shows them (snake_case), from the port's shape. */
import type { PaymentInstructions } from "./providers/payment-provider.ts";

export type InstructionsView =
  | { kind: "sbp_qr"; confirmation_url: string; qr_payload: string }
  | { kind: "usdt_trc20"; address: string; amount: { amount_minor: number; currency: "RUB" | "USDT" }; required_confirmations: number; expires_at: string };

export function instructionsView(instructions: PaymentInstructions): InstructionsView {
  return instructions.kind === "sbp_qr"
    ? { kind: "sbp_qr", confirmation_url: instructions.confirmationUrl, qr_payload: instructions.qrPayload }
    : {
        kind: "usdt_trc20",
        address: instructions.address,
        amount: { amount_minor: instructions.amount.amountMinor, currency: instructions.amount.currency },
        required_confirmations: instructions.requiredConfirmations,
        expires_at: instructions.expiresAt,
      };
}
