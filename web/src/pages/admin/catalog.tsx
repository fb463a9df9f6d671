/** The catalog editor: tracks, albums and artists, each a sub-tab of its own. */
import { NavLink, Route, Routes } from "react-router";
import { useI18n } from "../../i18n/i18n";
import { AlbumsPanel } from "./catalog-albums";
import { ArtistsPanel } from "./catalog-artists";
import { TrackFinder } from "./catalog-tracks";

function TracksPanel() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="console-tracks">
      <h3 id="console-tracks">{t("console.tracks")}</h3>
      <TrackFinder />
    </section>
  );
}

export function CatalogTab({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="console-catalog">
      <h2 id="console-catalog">{t("console.tab.catalog")}</h2>
      <nav className="console-tabs console-subtabs" aria-label={t("console.catalogSections")}>
        <NavLink to="/admin/catalog" end>
          {t("console.tracks")}
        </NavLink>
        <NavLink to="/admin/catalog/albums">{t("console.albums")}</NavLink>
        <NavLink to="/admin/catalog/artists">{t("console.artists")}</NavLink>
      </nav>
      <Routes>
        <Route index element={<TracksPanel />} />
        <Route path="albums" element={<AlbumsPanel />} />
        <Route path="artists" element={<ArtistsPanel admin={admin} />} />
      </Routes>
    </section>
  );
}
