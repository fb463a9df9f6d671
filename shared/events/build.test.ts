import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildEvent, InvalidEventError } from "./build.ts";
import { eventCatalog, eventTypes } from "./catalog.ts";
import { cloudEventSchema } from "./envelope.ts";
import { sampleData, sampleTrackRow } from "./testing/samples.ts";
import { deadLetterTopic, isTopicName, topicSpecs } from "./topics.ts";
import { childTraceparent, newTraceparent, parseTraceparent } from "./traceparent.ts";

describe("event catalogue", () => {
  it("has the twelve events of the design plus account mail requests, artist/album changes and the recommendation signals (track, album and artist likes, playlist adds), versioned, each on a documented topic", () => {
    expect(new Set(Object.values(eventCatalog).map((definition) => definition.name))).toEqual(
      new Set([
        "TrackPublished",
        "TrackUpdated",
        "TrackDeleted",
        "UploadRejected",
        "PlaybackStarted",
        "PlaybackFinished",
        "PaymentCompleted",
        "PaymentFailed",
        "SubscriptionActivated",
        "SubscriptionFailed",
        "SubscriptionExpired",
        "UserUpdated",
        "AccountEmailRequested",
        "ArtistUpdated",
        "AlbumUpdated",
        "ArtistApplicationDecided",
        "ArtistManagerAdded",
        "TrackLiked",
        "TrackUnliked",
        "AlbumLiked",
        "AlbumUnliked",
        "ArtistLiked",
        "ArtistUnliked",
        "PlaylistTrackAdded",
      ]),
    );
    for (const type of eventTypes) {
      expect(type).toMatch(/^tunec\.[a-z]+\.[a-z-]+\.v\d+$/);
      expect(type.endsWith(`.v${eventCatalog[type].version}`)).toBe(true);
      expect(isTopicName(eventCatalog[type].topic)).toBe(true);
    }
  });

  it("keys per-entity topics by the entity", () => {
    expect(buildEvent({ type: "tunec.catalog.track-updated.v1", source: "/t", data: sampleData["tunec.catalog.track-updated.v1"] }).key).toBe(
      sampleTrackRow().id,
    );
    for (const type of ["tunec.playback.playback-started.v1", "tunec.billing.subscription-expired.v1", "tunec.users.user-updated.v1"] as const) {
      expect(buildEvent({ type, source: "/t", data: sampleData[type] }).key).toBe(sampleData[type].userId);
    }
  });

  it("builds CloudEvents that the generic envelope schema accepts", () => {
    for (const type of eventTypes) {
      const { event } = buildEvent({ type, data: sampleData[type], source: "/tunec/test" });
      expect(cloudEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
    }
  });

  it("refuses a change payload whose op does not fit the type, and non-uuid ids", () => {
    const deleted = sampleData["tunec.catalog.track-deleted.v1"];
    expect(() => buildEvent({ type: "tunec.catalog.track-updated.v1", source: "/t", data: { ...deleted, op: "d" } as never })).toThrow(InvalidEventError);
    expect(() => buildEvent({ type: "tunec.users.user-updated.v1", source: "/t", id: "e-1", data: sampleData["tunec.users.user-updated.v1"] })).toThrow(
      InvalidEventError,
    );
    expect(() => buildEvent({ type: "tunec.users.user-updated.v1", source: "", data: sampleData["tunec.users.user-updated.v1"] })).toThrow(InvalidEventError);
  });

  it("names a dead-letter topic for every topic", () => {
    expect(deadLetterTopic("tunec.playback")).toBe("tunec.playback.dlq");
    expect(topicSpecs(["tunec.playback", "test.topic"])).toEqual([
      { name: "tunec.playback", partitions: 6 },
      { name: "tunec.playback.dlq", partitions: 1 },
      { name: "test.topic", partitions: 1 },
      { name: "test.topic.dlq", partitions: 1 },
    ]);
  });

  it("stays Web-standard so the edge can import it (no node: or driver imports)", async () => {
    const folder = import.meta.dirname;
    const sources = (await readdir(folder)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    expect(sources).toContain("outbox.ts");
    for (const name of sources) {
      const text = await readFile(join(folder, name), "utf8");
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
      for (const specifier of imports) expect(specifier, `${name} imports ${specifier}`).toMatch(/^(\.{1,2}\/|zod$|kysely$)/);
    }
  });
});

describe("traceparent", () => {
  it("parses W3C traceparent and refuses malformed ones", () => {
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentId: "00f067aa0ba902b7",
      sampled: true,
    });
    for (const bad of [
      "",
      "00-0000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
  });

  it("keeps the trace id in a child span and starts new traces", () => {
    const root = newTraceparent();
    const child = childTraceparent(root);
    expect(parseTraceparent(child)?.traceId).toBe(parseTraceparent(root)?.traceId);
    expect(parseTraceparent(child)?.parentId).not.toBe(parseTraceparent(root)?.parentId);
    expect(parseTraceparent(childTraceparent(undefined))).not.toBeNull();
  });
});
