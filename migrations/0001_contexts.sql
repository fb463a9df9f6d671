-- One schema per bounded context (see ../shared/design/architecture.md):
-- a context writes only its own schema and talks to the others through events.
create schema if not exists auth;
create schema if not exists users;
create schema if not exists catalog;
create schema if not exists ingestion;
create schema if not exists billing;
create schema if not exists notify;
create schema if not exists search;
create schema if not exists recs;
create schema if not exists ads;
-- The event backbone's own tables (outbox, inbox, embedded log).
create schema if not exists events;
