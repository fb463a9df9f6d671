/** The admin console's words, Russian and English (merged into messages.ts). */
export const consoleRu = {
  "console.loading": "Загрузка…",
} as const;

export const consoleEn: Record<keyof typeof consoleRu, string> = {
  "console.loading": "Loading…",
};
