// A failure a handler reports to the caller as data: `{ok:false, error:{code, message}}`.

export class ServiceError extends Error {
  constructor(
    readonly code: 'not-found' | 'busy' | 'failed',
    message: string,
  ) {
    super(message)
  }
}
