/**
 * Decimal strings ↔ integer minor units without floating-point arithmetic:
 * providers that speak decimals (NOWPayments) get exact values both ways.
 */

/** 4990000 with 6 decimals → "4.99". */
export function minorToDecimal(amountMinor: number, decimals: number): string {
  const digits = BigInt(amountMinor)
    .toString()
    .padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/**
 * "4.99" or 4.99 with 6 decimals → 4990000. A JSON number is read through its
 * shortest decimal form, which round-trips any amount with at most 15 digits.
 * @throws RangeError for a negative, non-numeric or too precise value.
 */
export function decimalToMinor(value: string | number, decimals: number): number {
  const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a non-negative decimal amount: ${String(value)}`);
  const [, whole = "0", fraction = ""] = match;
  if (fraction.replace(/0+$/, "").length > decimals) throw new RangeError(`more than ${decimals} decimals: ${String(value)}`);
  const minor = BigInt(whole + fraction.padEnd(decimals, "0").slice(0, decimals));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount too large: ${String(value)}`);
  return Number(minor);
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) return "invalid";
  const text = String(value);
  if (!text.includes("e")) return text;
  // 1e-7 and the like: toFixed(20) is exact enough to reject or accept by the decimals check.
  return value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}
