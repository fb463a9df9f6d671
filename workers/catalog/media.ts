/** The public URL of a media object (cover, artist image) from its bucket key; null without a key. */
export function mediaUrl(baseUrl: string | undefined, key: string | null): string | null {
  if (!key) return null;
  const base = baseUrl ?? "/media/";
  return `${base.endsWith("/") ? base : `${base}/`}${key.split("/").map(encodeURIComponent).join("/")}`;
}
