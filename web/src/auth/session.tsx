/**
 * The browser session (OAuth 2.0 for Browser-Based Apps): the access token
 * lives only in this module's memory; the refresh token is an HttpOnly cookie
 * (Path=/auth) the page never sees, sent with `X-Token-Transport: cookie`. A
 * reload signs in silently through that cookie; the access token is renewed a
 * minute before it expires.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, ProblemError, unwrap, useTokenSource, type Problem } from "../api/client";

export interface Viewer {
  userId: string;
  roles: string[];
  isPremium: boolean;
}

interface Session {
  /** undefined while the silent sign-in is still running. */
  viewer: Viewer | null | undefined;
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** After a change of claims (premium, roles): a fresh access token. */
  refresh(): Promise<boolean>;
}

const cookieTransport = { "x-token-transport": "cookie" } as const;

let accessToken: string | null = null;

function viewerOf(token: string): Viewer {
  const payload = JSON.parse(atob(token.split(".")[1]?.replaceAll("-", "+").replaceAll("_", "/") ?? "")) as {
    sub: string;
    roles: string[];
    is_premium: boolean;
  };
  return { userId: payload.sub, roles: payload.roles, isPremium: payload.is_premium };
}

const Context = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);

  const accept = useCallback((tokens: { access_token: string; expires_in: number }) => {
    accessToken = tokens.access_token;
    setViewer(viewerOf(tokens.access_token));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), Math.max(5, tokens.expires_in - 60) * 1000);
  }, []);

  const refresh = useCallback((): Promise<boolean> => {
    // One refresh at a time: a spent refresh token presented twice would end the session.
    inFlight.current ??= (async () => {
      try {
        const result = await api.POST("/auth/refresh", { headers: cookieTransport, body: {} });
        if (!result.data) {
          accessToken = null;
          setViewer(null);
          return false;
        }
        accept(result.data);
        return true;
      } catch {
        setViewer((current) => current ?? null);
        return false;
      } finally {
        inFlight.current = null;
      }
    })();
    return inFlight.current;
  }, [accept]);

  useEffect(() => {
    useTokenSource({ accessToken: () => accessToken, refresh });
    void refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const tokens = unwrap(await api.POST("/auth/login", { headers: cookieTransport, body: { email, password } }));
      accept(tokens);
    },
    [accept],
  );

  const signUp = useCallback(
    async (email: string, password: string) => {
      unwrap(await api.POST("/auth/register", { body: { email, password } }));
      await signIn(email, password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    await api.POST("/auth/logout", { headers: cookieTransport, body: {} });
    accessToken = null;
    clearTimeout(timer.current);
    setViewer(null);
  }, []);

  const value = useMemo<Session>(() => ({ viewer, signIn, signUp, signOut, refresh }), [viewer, signIn, signUp, signOut, refresh]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const value = useContext(Context);
  if (!value) throw new Error("useSession needs <SessionProvider>");
  return value;
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof Error) return { title: error.message };
  // A problem built by the page itself ({ title, detail }).
  if (typeof error === "object" && error !== null && "title" in error) return error as Problem;
  return { title: String(error) };
}
