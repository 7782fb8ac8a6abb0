// What the classroom writes to the service's log: a detail object and a message (the API's logger
// is one; tests pass their own).
export interface Log {
  info(detail: object, message: string): void;
  error(detail: object, message: string): void;
}
