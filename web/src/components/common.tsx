import type { ReactNode } from "react";
import { problemOf } from "../auth/session";
import { useI18n } from "../i18n/i18n";

/** An API problem shown to a person: its title and detail, in the words the API sent. */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const problem = problemOf(error);
  return (
    <div role="alert" className="problem">
      <strong>{problem.title ?? t("common.error")}</strong>
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
