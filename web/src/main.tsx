import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { SessionProvider } from "./auth/session";
import { Layout } from "./components/layout";
import { I18nProvider, useI18n } from "./i18n/i18n";
import { AccountPage, ForgotPage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage } from "./pages/auth";
import { AlbumPage, ArtistPage, TrackPage } from "./pages/catalog";
import { LikesPage } from "./pages/likes";
import { PremiumPage } from "./pages/premium";
import { SearchPage } from "./pages/search";
import { PlayerProvider } from "./player/player";
import "./styles.css";

function NotFound() {
  const { t } = useI18n();
  return <h1>{t("common.notFound")}</h1>;
}

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <SearchPage /> },
        { path: "signin", element: <SignInPage /> },
        { path: "signup", element: <SignUpPage /> },
        { path: "forgot", element: <ForgotPage /> },
        { path: "account", element: <AccountPage /> },
        { path: "account/reset-password", element: <ResetPasswordPage /> },
        { path: "account/verify-email", element: <VerifyEmailPage /> },
        { path: "tracks/:id", element: <TrackPage /> },
        { path: "artists/:id", element: <ArtistPage /> },
        { path: "albums/:id", element: <AlbumPage /> },
        { path: "likes", element: <LikesPage /> },
        // Screens with heavy libraries (drag and drop, charts) or few users load on first visit: the listener's first page stays small.
        { path: "playlists", lazy: async () => ({ Component: (await import("./pages/playlists")).PlaylistsPage }) },
        { path: "playlists/:id", lazy: async () => ({ Component: (await import("./pages/playlists")).PlaylistPage }) },
        { path: "wave", lazy: async () => ({ Component: (await import("./pages/wave")).WavePage }) },
        { path: "history", lazy: async () => ({ Component: (await import("./pages/history")).HistoryPage }) },
        { path: "studio", lazy: async () => ({ Component: (await import("./pages/studio")).StudioPage }) },
        { path: "premium", element: <PremiumPage /> },
        { path: "admin/*", lazy: async () => ({ Component: (await import("./pages/admin")).AdminPage }) },
        { path: "*", element: <NotFound /> },
      ],
    },
  ],
  { basename: "/app" },
);

const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 30_000 } } });

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queries}>
        <SessionProvider>
          <PlayerProvider>
            <RouterProvider router={router} />
          </PlayerProvider>
        </SessionProvider>
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
