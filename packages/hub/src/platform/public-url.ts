/**
 * The address users and Exact reach the hub on. Configured (KOPPEL_PUBLIC_URL) it never
 * changes; unconfigured it names the port the HTTP server actually bound, which with port 0
 * is only known after listen. Everything that prints a link or a redirect URI reads it here,
 * so the configuration itself stays as loaded.
 */
export class PublicUrl {
  readonly #configured: string | undefined;
  #fallback: string;

  static fromConfig(config: { publicUrl?: string | undefined; port: number }): PublicUrl {
    return new PublicUrl(config.publicUrl, config.port);
  }

  constructor(configured: string | undefined, port: number) {
    this.#configured = configured;
    this.#fallback = localUrl(port);
  }

  /** Without a trailing slash. */
  get value(): string {
    return this.#configured ?? this.#fallback;
  }

  get configured(): boolean {
    return this.#configured !== undefined;
  }

  /** Called by the HTTP server once it listens; a configured URL wins. */
  listeningOn(port: number): void {
    this.#fallback = localUrl(port);
  }
}

const localUrl = (port: number) => `http://127.0.0.1:${port}`;
