/**
 * A real S3-protocol server for the S3 suites: s3rver on a free port, data in
 * a temporary directory. s3rver checks presigned URLs' expiry but does not
 * verify SigV4 signatures; signature tampering is a property of S3 itself.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { createS3FetchBucket, type S3FetchBucket } from "../shared/storage/s3-fetch.ts";
import { createS3Bucket, type S3Bucket, type S3Settings } from "../shared/storage/s3-object-store.ts";

export interface LocalS3 {
  settings: S3Settings;
  /** The AWS SDK client, as the origin uses it. */
  bucket: S3Bucket;
  /** The same bucket through fetch + aws4fetch, as the edge uses it. */
  edge: S3FetchBucket;
  stop(): Promise<void>;
}

export async function startLocalS3(bucketName = "tunec-media"): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "tunec-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const { port } = await server.run();
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    bucket: bucketName,
    // s3rver's built-in account.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  const bucket = createS3Bucket(settings);
  await bucket.client.send(new CreateBucketCommand({ Bucket: bucketName }));
  return {
    settings,
    bucket,
    edge: createS3FetchBucket(settings),
    async stop() {
      bucket.client.destroy();
      // A request cut short (a refused upload) may leave a socket open; close() would wait for it.
      const http = (server as unknown as { httpServer?: { closeAllConnections?: () => void } }).httpServer;
      const closing = server.close();
      http?.closeAllConnections?.();
      await closing;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
