import { Link, NavLink, Outlet } from "react-router";
import { api } from "../api/client";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { usePlayer } from "../player/player";
import { formatDuration } from "./common";

function PlayerBar() {
  const { t } = useI18n();
  const player = usePlayer();
  const track = player.current;
  return (
    <footer className="player" aria-label="Player">
      <div className="controls">
        <button type="button" onClick={player.previous} aria-label={t("player.previous")} disabled={!track || Boolean(player.ad)}>
          |◀
        </button>
        <button
          type="button"
          onClick={player.toggle}
          aria-label={player.playing ? t("player.pause") : t("player.play")}
          disabled={!track || Boolean(player.ad)}
        >
          {player.playing ? "❚❚" : "▶"}
        </button>
        <button type="button" onClick={player.next} aria-label={t("player.next")} disabled={player.index + 1 >= player.queue.length || Boolean(player.ad)}>
          ▶|
        </button>
      </div>
      <div className="now">
        {player.ad ? (
          <span className="ad" data-testid="ad-break" role="status">
            <strong>{t("player.ad")}</strong>{" "}
            {player.ad.click_url ? (
              <a
                href={player.ad.click_url}
                target="_blank"
                rel="noreferrer noopener"
                onClick={() => void api.POST("/ad/impressions/{id}", { params: { path: { id: player.ad?.impression_id ?? "" } }, body: { event: "clicked" } })}
              >
                {t("player.adMore")}
              </a>
            ) : null}{" "}
            <Link to="/premium">{t("player.adFree")}</Link>
          </span>
        ) : track ? (
          <>
            <strong>{track.title}</strong> <span className="muted">{track.artists.map((artist) => artist.name).join(", ")}</span>
          </>
        ) : (
          <span className="muted">{t("player.nothing")}</span>
        )}
        {player.error ? (
          <span role="alert" className="warning">
            {" "}
            {player.error}
          </span>
        ) : null}
      </div>
      <label className="seek">
        <span className="visually-hidden">{t("player.seek")}</span>
        <input
          type="range"
          min={0}
          max={Math.max(1, Math.floor(player.duration))}
          step={1}
          value={Math.floor(player.position)}
          disabled={!track}
          onChange={(event) => player.seek(Number(event.target.value))}
        />
      </label>
      <span className="time">
        {formatDuration(player.position * 1000)} / {formatDuration(player.duration * 1000)}
      </span>
    </footer>
  );
}

export function Layout() {
  const { t, locale, setLocale } = useI18n();
  const { viewer, signOut } = useSession();
  return (
    <div className="shell">
      <header className="top">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <nav aria-label="Main">
          <NavLink to="/">{t("nav.search")}</NavLink>
          {viewer ? <NavLink to="/wave">{t("nav.wave")}</NavLink> : null}
          {viewer ? <NavLink to="/likes">{t("nav.likes")}</NavLink> : null}
          {viewer ? <NavLink to="/playlists">{t("nav.playlists")}</NavLink> : null}
          {viewer ? <NavLink to="/history">{t("nav.history")}</NavLink> : null}
          {viewer && !viewer.isPremium ? <NavLink to="/premium">{t("nav.premium")}</NavLink> : null}
          {viewer ? <NavLink to="/studio">{t("nav.studio")}</NavLink> : null}
          {viewer && (viewer.roles.includes("admin") || viewer.roles.includes("editor")) ? <NavLink to="/admin">{t("nav.admin")}</NavLink> : null}
        </nav>
        <div className="me">
          {viewer ? (
            <>
              {viewer.isPremium ? (
                <span className="badge" data-testid="premium-badge">
                  Premium
                </span>
              ) : null}
              <NavLink to="/account">{t("nav.account")}</NavLink>
              <button type="button" onClick={() => void signOut()}>
                {t("nav.signOut")}
              </button>
            </>
          ) : viewer === null ? (
            <>
              <NavLink to="/signin">{t("nav.signIn")}</NavLink>
              <NavLink to="/signup">{t("nav.signUp")}</NavLink>
            </>
          ) : null}
          <button type="button" onClick={() => setLocale(locale === "ru" ? "en" : "ru")} lang={locale === "ru" ? "en" : "ru"}>
            {t("lang.switch")}
          </button>
        </div>
      </header>
      <main>
        <Outlet />
      </main>
      <PlayerBar />
    </div>
  );
}
