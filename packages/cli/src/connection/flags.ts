/** The connection flags every command shares (docs/cli.md, "Connection"). */
export interface ConnectionFlags {
  readonly config?: string | undefined;
  readonly postgresUrl?: string | undefined;
  readonly schema?: string | undefined;
  readonly redisUrl?: string | undefined;
  readonly stream?: string | undefined;
  readonly kinesisEndpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly application?: string | undefined;
  readonly keyPrefix?: string | undefined;
}

/** Output and confirmation flags. */
export interface OutputFlags {
  readonly json: boolean;
  readonly yes: boolean;
}
