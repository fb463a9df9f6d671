/**
 * The event catalogue: every event type we produce, with its schema, topic,
 * partition key and meaning. The outbox helper, the consumer framework and the
 * JSON Schema export all read this one object.
 */
import type { z } from "zod";
import type { EventDefinition } from "./definition.ts";
import type { CloudEvent } from "./envelope.ts";
import { accountEmailRequestedV1 } from "./account-events.ts";
import { albumUpdatedV1, artistApplicationDecidedV1, artistManagerAddedV1, artistUpdatedV1 } from "./catalog-entity-events.ts";
import { trackPublishedV1, uploadRejectedV1 } from "./ingestion-events.ts";
import { paymentCompletedV1, paymentFailedV1 } from "./payment-events.ts";
import { playbackFinishedV1, playbackStartedV1 } from "./playback-events.ts";
import { subscriptionActivatedV1, subscriptionExpiredV1, subscriptionFailedV1 } from "./subscription-events.ts";
import { trackDeletedV1, trackUpdatedV1 } from "./track-events.ts";
import {
  albumLikedV1,
  albumUnlikedV1,
  artistLikedV1,
  artistUnlikedV1,
  playlistTrackAddedV1,
  trackLikedV1,
  trackUnlikedV1,
  userUpdatedV1,
} from "./user-events.ts";

const definitions = [
  trackPublishedV1,
  uploadRejectedV1,
  trackUpdatedV1,
  trackDeletedV1,
  playbackStartedV1,
  playbackFinishedV1,
  paymentCompletedV1,
  paymentFailedV1,
  subscriptionActivatedV1,
  subscriptionFailedV1,
  subscriptionExpiredV1,
  userUpdatedV1,
  trackLikedV1,
  trackUnlikedV1,
  albumLikedV1,
  albumUnlikedV1,
  artistLikedV1,
  artistUnlikedV1,
  playlistTrackAddedV1,
  accountEmailRequestedV1,
  artistUpdatedV1,
  albumUpdatedV1,
  artistApplicationDecidedV1,
  artistManagerAddedV1,
] as const;

type Definitions = (typeof definitions)[number];

export type EventCatalog = { [D in Definitions as D["type"]]: D };

export const eventCatalog = Object.fromEntries(definitions.map((definition) => [definition.type, definition])) as EventCatalog;

export type EventType = keyof EventCatalog;

export const eventTypes = definitions.map((definition) => definition.type) as EventType[];

/** The data of an event type, as its schema outputs it. */
export type EventData<T extends EventType> = z.output<EventCatalog[T]["schema"]>;

/** The data of an event type, as a producer may pass it (before defaults). */
export type EventDataInput<T extends EventType> = z.input<EventCatalog[T]["schema"]>;

export type TunecEvent<T extends EventType = EventType> = { [K in T]: CloudEvent<K, EventData<K>> }[T];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The definition of a type, loosely typed, for code that handles any event. */
export function definitionOf(type: EventType): EventDefinition {
  return eventCatalog[type] as unknown as EventDefinition;
}
