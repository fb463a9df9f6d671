import { beforeAll, describe, expect, it } from "vitest";
import { addTracks, call, createPlaylist, expectJson, seedPublishedTracks, signUpUser, type PlaylistBody, type User } from "./testing.ts";

interface Target {
  id: string;
  entryId: string;
}

interface Attempt {
  name: string;
  method: string;
  path: (target: Target) => string;
  body?: (target: Target) => unknown;
}

/** Every mutating playlist route; each sends the playlist's current If-Match, so only authorization can refuse it. */
const mutations: Attempt[] = [
  { name: "rename", method: "PATCH", path: (t) => `/playlists/${t.id}`, body: () => ({ name: "hijacked" }) },
  { name: "change visibility", method: "PATCH", path: (t) => `/playlists/${t.id}`, body: () => ({ visibility: "public" }) },
  { name: "delete", method: "DELETE", path: (t) => `/playlists/${t.id}` },
  { name: "add tracks", method: "POST", path: (t) => `/playlists/${t.id}/tracks`, body: () => ({ track_ids: [trackId] }) },
  { name: "move an entry", method: "PATCH", path: (t) => `/playlists/${t.id}/tracks/${t.entryId}`, body: () => ({ before_entry_id: null }) },
  { name: "remove an entry", method: "DELETE", path: (t) => `/playlists/${t.id}/tracks/${t.entryId}` },
  // The attacker invites themselves: a real account, so only authorization can refuse it.
  { name: "invite an editor", method: "PUT", path: (t) => `/playlists/${t.id}/editors/${inviteeId}` },
];

let trackId = "";
let inviteeId = "";

describe("playlist authorization and IDOR in workerd", () => {
  let owner: User;
  let editor: User;
  let stranger: User;
  let privateList: Target;
  let publicList: Target;

  async function seed(visibility: "private" | "public"): Promise<Target> {
    const playlist = await createPlaylist(owner, { name: `${visibility} list`, visibility });
    const added = await addTracks(owner, playlist, [trackId]);
    await expectJson(call("PUT", `/playlists/${playlist.id}/editors/${editor.userId}`, { user: owner, ifMatch: added.playlist.version }), 200);
    return { id: playlist.id, entryId: added.entries[0]?.entry_id ?? "" };
  }

  async function current(target: Target): Promise<PlaylistBody> {
    return (await expectJson<{ playlist: PlaylistBody }>(call("GET", `/playlists/${target.id}`, { user: owner }), 200)).playlist;
  }

  async function attempt(user: User | undefined, mutation: Attempt, target: Target): Promise<Response> {
    const { version } = await current(target);
    return call(mutation.method, mutation.path(target), { user, ifMatch: version, body: mutation.body?.(target) });
  }

  beforeAll(async () => {
    [owner, editor, stranger] = await Promise.all([signUpUser(), signUpUser(), signUpUser()]);
    inviteeId = stranger.userId;
    trackId = (await seedPublishedTracks(1))[0] ?? "";
    privateList = await seed("private");
    publicList = await seed("public");
  });

  it("hides a private playlist from a stranger and from anonymous callers (404, like a missing one)", async () => {
    const missing = await call("GET", `/playlists/${crypto.randomUUID()}`, { user: stranger });
    const hidden = await call("GET", `/playlists/${privateList.id}`, { user: stranger });
    expect(hidden.status).toBe(404);
    expect((await hidden.json<{ title: string; code: string }>()).code).toBe((await missing.json<{ code: string }>()).code);
    expect((await call("GET", `/playlists/${privateList.id}`)).status).toBe(404);
    expect((await call("PUT", `/playlists/${privateList.id}/follow`, { user: stranger })).status).toBe(404);
    expect((await call("GET", `/playlists/${publicList.id}`)).status).toBe(200);
    expect((await expectJson<{ playlist: PlaylistBody }>(call("GET", `/playlists/${publicList.id}`, { user: stranger }), 200)).playlist.role).toBe("viewer");
  });

  it.each(mutations.map((m) => [m.name, m] as const))("a stranger cannot %s another user's private playlist: 404, nothing changes", async (_name, mutation) => {
    const before = await current(privateList);
    expect((await attempt(stranger, mutation, privateList)).status).toBe(404);
    expect(await current(privateList)).toEqual(before);
  });

  it.each(mutations.map((m) => [m.name, m] as const))("a viewer cannot %s a public playlist: 403, nothing changes", async (_name, mutation) => {
    const before = await current(publicList);
    const response = await attempt(stranger, mutation, publicList);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
    expect(await current(publicList)).toEqual(before);
  });

  it.each(mutations.map((m) => [m.name, m] as const))("without a token nobody can %s: 401", async (_name, mutation) => {
    expect((await attempt(undefined, mutation, publicList)).status).toBe(401);
  });

  it("an invited editor reads the private playlist and changes its tracks, name and description", async () => {
    expect((await expectJson<{ playlist: PlaylistBody }>(call("GET", `/playlists/${privateList.id}`, { user: editor }), 200)).playlist.role).toBe("editor");
    let version = (await current(privateList)).version;
    const renamed = await expectJson<PlaylistBody>(
      call("PATCH", `/playlists/${privateList.id}`, { user: editor, ifMatch: version, body: { name: "our list", description: "together" } }),
      200,
    );
    expect(renamed).toMatchObject({ name: "our list", role: "editor" });
    const added = await expectJson<{ playlist: PlaylistBody; entries: Array<{ entry_id: string; added_by: string }> }>(
      call("POST", `/playlists/${privateList.id}/tracks`, { user: editor, ifMatch: renamed.version, body: { track_ids: [trackId] } }),
      201,
    );
    expect(added.entries[0]?.added_by).toBe(editor.userId);
    version = added.playlist.version;
    version = (
      await expectJson<PlaylistBody>(
        call("PATCH", `/playlists/${privateList.id}/tracks/${added.entries[0]?.entry_id}`, {
          user: editor,
          ifMatch: version,
          body: { before_entry_id: privateList.entryId },
        }),
        200,
      )
    ).version;
    const removed = await expectJson<PlaylistBody>(
      call("DELETE", `/playlists/${privateList.id}/tracks/${added.entries[0]?.entry_id}`, { user: editor, ifMatch: version }),
      200,
    );
    expect(removed.track_count).toBe(1);
  });

  it.each([
    ["change visibility", "PATCH", (t: Target) => `/playlists/${t.id}`, { visibility: "public" }],
    ["delete", "DELETE", (t: Target) => `/playlists/${t.id}`, undefined],
    ["invite another editor", "PUT", (t: Target) => `/playlists/${t.id}/editors/${inviteeId}`, undefined],
  ] as const)("an editor cannot %s (owner only): 403", async (_name, method, path, body) => {
    const { version } = await current(privateList);
    expect((await call(method, path(privateList), { user: editor, ifMatch: version, body })).status).toBe(403);
    expect((await current(privateList)).version).toBe(version);
  });

  it("entries and editors are addressed through their own playlist only (no cross-playlist ids)", async () => {
    // The editor edits privateList, but publicList's entry id must not be reachable through it.
    const { version } = await current(privateList);
    const before = await current(publicList);
    expect(
      (await call("PATCH", `/playlists/${privateList.id}/tracks/${publicList.entryId}`, { user: editor, ifMatch: version, body: { before_entry_id: null } }))
        .status,
    ).toBe(404);
    expect((await call("DELETE", `/playlists/${privateList.id}/tracks/${publicList.entryId}`, { user: editor, ifMatch: version })).status).toBe(404);
    expect(
      (
        await call("PATCH", `/playlists/${privateList.id}/tracks/${privateList.entryId}`, {
          user: editor,
          ifMatch: version,
          body: { before_entry_id: publicList.entryId },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call("POST", `/playlists/${privateList.id}/tracks`, {
          user: editor,
          ifMatch: version,
          body: { track_ids: [trackId], before_entry_id: publicList.entryId },
        })
      ).status,
    ).toBe(404);
    expect(await current(publicList)).toEqual(before);
    // A stranger cannot remove the editor, nor can an editor remove another; the editor may leave.
    expect((await call("DELETE", `/playlists/${privateList.id}/editors/${editor.userId}`, { user: stranger, ifMatch: version })).status).toBe(404);
    const other = await signUpUser();
    const withOther = await expectJson<PlaylistBody>(
      call("PUT", `/playlists/${privateList.id}/editors/${other.userId}`, { user: owner, ifMatch: version }),
      200,
    );
    expect((await call("DELETE", `/playlists/${privateList.id}/editors/${other.userId}`, { user: editor, ifMatch: withOther.version })).status).toBe(403);
    const left = await expectJson<PlaylistBody>(
      call("DELETE", `/playlists/${privateList.id}/editors/${editor.userId}`, { user: editor, ifMatch: withOther.version }),
      200,
    );
    expect(left.editors).toEqual([other.userId]);
    expect((await call("GET", `/playlists/${privateList.id}`, { user: editor })).status).toBe(404);
  });
});
