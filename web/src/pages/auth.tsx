import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import { Page, ProblemMessage } from "../components/common";
import { useI18n } from "../i18n/i18n";

function CredentialsForm({
  submitLabel,
  onSubmit,
  newPassword,
}: {
  submitLabel: string;
  onSubmit: (email: string, password: string) => Promise<void>;
  newPassword?: boolean;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useMutation({ mutationFn: () => onSubmit(email, password) });
  return (
    <form
      className="form"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        submit.mutate();
      }}
    >
      <label>
        {t("auth.email")}
        <input type="email" name="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </label>
      <label>
        {t("auth.password")}
        <input
          type="password"
          name="password"
          autoComplete={newPassword ? "new-password" : "current-password"}
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {newPassword ? <small className="muted">{t("auth.passwordRule")}</small> : null}
      </label>
      <ProblemMessage error={submit.error} />
      <button type="submit" className="primary" disabled={submit.isPending}>
        {submitLabel}
      </button>
    </form>
  );
}

const providerNames = { google: "Google", vk: "VK ID", yandex: "Yandex ID" } as const;

/**
 * "Continue with …" for each provider the server offers: a full-page visit to
 * /auth/oauth/{provider}/start, which comes back to the app with the refresh
 * cookie set (the session provider then signs in through it).
 */
function ProviderButtons() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const providers = useQuery({
    queryKey: ["oauth-providers"],
    queryFn: async () => unwrap(await api.GET("/auth/oauth/providers")).providers,
    staleTime: Infinity,
  });
  const failed = params.get("oauth_error");
  return (
    <>
      {failed ? <ProblemMessage error={{ title: t("auth.providerFailed"), detail: failed }} /> : null}
      {providers.data?.length ? (
        <div className="providers" role="group" aria-label={t("auth.providers")}>
          {providers.data.map((provider) => (
            <a key={provider} className="button" href={`/auth/oauth/${provider}/start?return_to=${encodeURIComponent("/app/")}`}>
              {t("auth.continueWith")} {providerNames[provider]}
            </a>
          ))}
        </div>
      ) : null}
    </>
  );
}

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const navigate = useNavigate();
  return (
    <Page title={t("auth.signInTitle")}>
      <ProviderButtons />
      <CredentialsForm submitLabel={t("auth.signIn")} onSubmit={async (email, password) => (await signIn(email, password), navigate("/"))} />
      <p>
        <Link to="/forgot">{t("auth.forgot")}</Link>
      </p>
      <p>
        {t("auth.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </Page>
  );
}

export function SignUpPage() {
  const { t } = useI18n();
  const { signUp } = useSession();
  const navigate = useNavigate();
  return (
    <Page title={t("auth.signUpTitle")}>
      <ProviderButtons />
      <CredentialsForm newPassword submitLabel={t("auth.signUp")} onSubmit={async (email, password) => (await signUp(email, password), navigate("/"))} />
      <p>
        {t("auth.haveAccount")} <Link to="/signin">{t("nav.signIn")}</Link>
      </p>
    </Page>
  );
}

export function ForgotPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const send = useMutation({ mutationFn: async () => unwrap(await api.POST("/auth/password/forgot", { body: { email } })) });
  return (
    <Page title={t("auth.forgotTitle")}>
      {send.isSuccess ? (
        <p role="status">{t("auth.forgotSent")}</p>
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            send.mutate();
          }}
        >
          <label>
            {t("auth.email")}
            <input type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </label>
          <ProblemMessage error={send.error} />
          <button type="submit" className="primary" disabled={send.isPending}>
            {t("auth.forgotSend")}
          </button>
        </form>
      )}
    </Page>
  );
}

/** The token of a mailed link rides in the URL fragment (never sent to a server): read it once. */
function fragmentToken(): string {
  return new URLSearchParams(globalThis.location.hash.slice(1)).get("token") ?? "";
}

export function ResetPasswordPage() {
  const { t } = useI18n();
  const [token] = useState(fragmentToken);
  const [password, setPassword] = useState("");
  const save = useMutation({ mutationFn: async () => unwrap(await api.POST("/auth/password/set", { body: { token, password } })) });
  return (
    <Page title={t("auth.resetTitle")}>
      {save.isSuccess ? (
        <p role="status">
          {t("auth.resetDone")} <Link to="/signin">{t("nav.signIn")}</Link>
        </p>
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <label>
            {t("auth.password")}
            <input type="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
            <small className="muted">{t("auth.passwordRule")}</small>
          </label>
          <ProblemMessage error={save.error} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {t("auth.resetSave")}
          </button>
        </form>
      )}
    </Page>
  );
}

export function VerifyEmailPage() {
  const { t } = useI18n();
  const [token] = useState(fragmentToken);
  // A POST from the page, not the mail link's GET: a scanner prefetching the link spends nothing.
  const verify = useMutation({ mutationFn: async () => unwrap(await api.POST("/auth/email/verify", { body: { token } })) });
  // A token works once: a second POST (React runs effects twice in development) would answer "already used".
  const sent = useRef(false);
  const { mutate } = verify;
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate();
  }, [token, mutate]);
  return (
    <Page title={t("auth.verifyTitle")}>
      {verify.isPending ? <p role="status">{t("auth.verifying")}</p> : null}
      {verify.isSuccess ? (
        <p role="status">
          {t("auth.verifyDone")} {verify.data.email}
        </p>
      ) : null}
      <ProblemMessage error={verify.error} />
    </Page>
  );
}

export function AccountPage() {
  const { t } = useI18n();
  const { viewer } = useSession();
  const account = useQuery({ queryKey: ["account"], enabled: Boolean(viewer), queryFn: async () => unwrap(await api.GET("/auth/account")) });
  const resend = useMutation({ mutationFn: async () => api.POST("/auth/email/verification") });
  if (!viewer)
    return (
      <Page title={t("account.title")}>
        <Link to="/signin">{t("nav.signIn")}</Link>
      </Page>
    );
  return (
    <Page title={t("account.title")}>
      <ProblemMessage error={account.error} />
      {account.data ? (
        <dl className="facts">
          <dt>{t("auth.email")}</dt>
          <dd>
            {account.data.email}
            {!account.data.email_verified ? (
              <>
                {" "}
                <span className="warning">{t("auth.unverified")}</span>{" "}
                <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending || resend.isSuccess}>
                  {resend.isSuccess ? t("auth.resent") : t("auth.resend")}
                </button>
              </>
            ) : null}
          </dd>
          <dt>{t("account.roles")}</dt>
          <dd>{account.data.roles.join(", ")}</dd>
          <dt>{t("account.premium")}</dt>
          <dd>{viewer.isPremium ? "✓" : "—"}</dd>
        </dl>
      ) : null}
    </Page>
  );
}
