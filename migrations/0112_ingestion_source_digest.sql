-- The SHA-256 of the bytes validation read (issue 17, item 5). The uploader
-- can still write the source key after /complete (a presigned URL lives a while,
-- an R2 token may be reused); the transcoder hashes what it reads and refuses to
-- publish anything but the validated bytes.
alter table ingestion.uploads
  add column source_sha256 text check (source_sha256 ~ '^[0-9a-f]{64}$');
