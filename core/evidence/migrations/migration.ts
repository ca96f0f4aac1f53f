export interface Migration {
  /** Recorded in PRAGMA user_version once applied; versions increase by one. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
