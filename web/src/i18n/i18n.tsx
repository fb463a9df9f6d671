/** The UI language: from the browser at first, then the listener's choice (kept in localStorage). */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { setRequestLanguage } from "../api/client";
import { en, ru, type MessageKey } from "./messages";

export type Locale = "ru" | "en";

const storageKey = "tunec.locale";

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(storageKey);
  if (stored === "ru" || stored === "en") return stored;
  return /^ru\b/i.test(globalThis.navigator?.language ?? "ru") ? "ru" : "en";
}

interface I18n {
  locale: Locale;
  t: (key: MessageKey) => string;
  setLocale: (locale: Locale) => void;
}

const Context = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  // Set during render, not in an effect, so the very first requests already carry it.
  setRequestLanguage(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(storageKey, next);
    setLocaleState(next);
  }, []);
  const value = useMemo<I18n>(() => ({ locale, setLocale, t: (key) => (locale === "en" ? en[key] : ru[key]) }), [locale, setLocale]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n needs <I18nProvider>");
  return value;
}
