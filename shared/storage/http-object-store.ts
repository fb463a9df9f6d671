import { assertObjectKey, knownLength, type ObjectBody, type ObjectInfo, type ObjectStore, type PutOptions } from "./object-store.ts";

/**
 * ObjectStore over the edge's internal object endpoint
 * (`/internal/objects/{key}`, workers/ingestion/routes/internal-objects.ts):
 * how origin services reach the Worker's R2 bucket when that bucket is
 * miniflare's local one under `npm start`. In production the origin uses R2's
 * S3 API instead (s3-object-store.ts).
 * @example createHttpObjectStore({ baseUrl: "http://127.0.0.1:8787", token })
 */
export function createHttpObjectStore(options: { baseUrl: string; token: string; fetch?: typeof fetch }): ObjectStore {
  const send = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const urlOf = (key: string) => `${base}/internal/objects/${key.split("/").map(encodeURIComponent).join("/")}`;
  const auth = { authorization: `Bearer ${options.token}` };

  async function failed(response: Response, what: string): Promise<Error> {
    const text = await response.text().catch(() => "");
    return new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  }

  function infoFrom(key: string, response: Response): ObjectInfo {
    return {
      key,
      size: Number(response.headers.get("x-object-size") ?? response.headers.get("content-length") ?? 0),
      contentType: response.headers.get("content-type") ?? undefined,
      etag: response.headers.get("etag") ?? undefined,
    };
  }

  return {
    async put(key: string, body: ObjectBody, putOptions: PutOptions = {}) {
      assertObjectKey(key);
      const length = knownLength(body, putOptions);
      if (length === undefined) throw new TypeError("put of a stream needs contentLength");
      const response = await send(urlOf(key), {
        method: "PUT",
        headers: { ...auth, "x-object-size": String(length), ...(putOptions.contentType ? { "content-type": putOptions.contentType } : {}) },
        body,
        // Node's fetch streams a ReadableStream body only in half-duplex mode.
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit);
      if (!response.ok) throw await failed(response, `PUT ${key}`);
      return (await response.json()) as ObjectInfo;
    },
    async get(key) {
      assertObjectKey(key);
      const response = await send(urlOf(key), { headers: auth });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || !response.body) throw await failed(response, `GET ${key}`);
      return { ...infoFrom(key, response), body: response.body };
    },
    async head(key) {
      assertObjectKey(key);
      const response = await send(urlOf(key), { method: "HEAD", headers: auth });
      if (response.status === 404) return null;
      if (!response.ok) throw await failed(response, `HEAD ${key}`);
      return infoFrom(key, response);
    },
    async delete(key) {
      assertObjectKey(key);
      const response = await send(urlOf(key), { method: "DELETE", headers: auth });
      if (!response.ok && response.status !== 404) throw await failed(response, `DELETE ${key}`);
    },
  };
}
