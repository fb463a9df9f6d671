/** The upload moved on without us (our lease ran out and another worker took it): write nothing. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  constructor(uploadId: string) {
    super(`lost the lease on upload ${uploadId}`);
  }
}
