-- The parts of a multipart upload that the edge has stored (R2 through the
-- Worker), so that an interrupted upload resumes where it stopped: POST
-- /uploads/{id}/resume answers fresh URLs and the parts already here. (S3
-- parts go straight to the bucket; the edge asks S3 for them instead.)
create table ingestion.upload_parts (
  upload_id uuid not null references ingestion.uploads (id) on delete cascade,
  part_number integer not null check (part_number between 1 and 10000),
  size_bytes bigint not null check (size_bytes > 0),
  etag text not null check (length(etag) between 1 and 200),
  uploaded_at timestamptz not null default now(),
  primary key (upload_id, part_number)
);

-- The part size a multipart upload was planned with, so a resume re-issues the
-- same parts even if UPLOAD_PART_SIZE_BYTES changed since.
alter table ingestion.uploads
  add column part_size_bytes integer check (part_size_bytes > 0),
  add constraint uploads_multipart_part_size check ((multipart_upload_id is null) = (part_size_bytes is null)) not valid;
