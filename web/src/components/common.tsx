import type { ReactNode } from "react";
import { problemOf } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { ru, type MessageKey } from "../i18n/messages";

const isMessageKey = (key: string): key is MessageKey => key in ru;

/**
 * An API problem shown to a person: its title in the user's language (from
 * the problem's stable `code`), then the API's detail and field messages.
 */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const problem = problemOf(error);
  const key = `problem.${problem.code ?? ""}`;
  const title = isMessageKey(key) ? t(key) : (problem.title ?? t("common.error"));
  return (
    <div role="alert" className="problem">
      <strong>{title}</strong>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((item) => (
            <li key={item.field}>{item.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t("common.loading")}
    </p>
  );
}

export function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      {children}
    </section>
  );
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
