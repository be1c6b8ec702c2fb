/**
 * Typed errors of the platform. Services throw these; the HTTP (problem+json, OIP
 * `{"error"}`) and gRPC adapters map them to status codes in one place each.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class Invalid extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, 'Bad Request', message, details);
  }
}

/** Well-formed, but the resource is not in a state that allows it (a model without evaluation data). */
export class Unprocessable extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(422, 'Unprocessable Content', message, details);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'missing or invalid bearer token') {
    super(401, 'Unauthorized', message);
  }
}

/** Only for resources the caller can see but may not change; hidden ones are NotFound. */
export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super(404, 'Not Found', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message: string) {
    super(413, 'Payload Too Large', message);
  }
}

export class UnsupportedMediaType extends AppError {
  constructor(message: string) {
    super(415, 'Unsupported Media Type', message);
  }
}

export class Unavailable extends AppError {
  constructor(message: string) {
    super(503, 'Service Unavailable', message);
  }
}

/** Out of a bounded resource (model memory, queue): gRPC RESOURCE_EXHAUSTED. */
export class ResourceExhausted extends AppError {
  constructor(message: string) {
    super(503, 'Service Unavailable', message);
  }
}

/** Over a rate limit: answered 429 with Retry-After and the RateLimit headers (gRPC RESOURCE_EXHAUSTED). */
export class TooManyRequests extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly headers: Record<string, string>,
  ) {
    super(429, 'Too Many Requests', message);
  }
}
