/** A registry location, e.g. `127.0.0.1:5000/runlet` or `registry.digitalocean.com/team`. */
export interface RegistrySettings {
  /** host[:port][/namespace] */
  registry: string;
  username?: string;
  password?: string;
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

export interface Manifest {
  digest: string;
  layers: { digest: string; size: number }[];
}

/** The parts of the registry HTTP API (distribution v2) garbage collection and the tests use. */
export class RegistryClient {
  readonly host: string;
  readonly namespace: string;
  private readonly base: string;

  constructor(private readonly settings: RegistrySettings) {
    const [host, ...rest] = settings.registry.split('/');
    this.host = host;
    this.namespace = rest.join('/');
    // A registry on this machine speaks plain HTTP (as Docker allows for 127.0.0.0/8); others TLS.
    const local = /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host);
    this.base = `${local ? 'http' : 'https'}://${host}/v2`;
  }

  /** The full repository name of a script's images, e.g. `runlet/script-abc`. */
  repositoryOf(scriptId: string): string {
    const name = `script-${scriptId.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
    return this.namespace ? `${this.namespace}/${name}` : name;
  }

  async tags(repository: string): Promise<string[]> {
    const res = await this.request('GET', `/${repository}/tags/list`);
    if (res.status === 404) return [];
    await this.check(res, `list the tags of ${repository}`);
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  async manifest(repository: string, reference: string): Promise<Manifest | undefined> {
    const res = await this.request('GET', `/${repository}/manifests/${reference}`, {
      accept: MANIFEST_TYPES,
    });
    if (res.status === 404) return undefined;
    await this.check(res, `read the manifest ${repository}:${reference}`);
    const body = (await res.json()) as { layers?: { digest: string; size: number }[] };
    return { digest: res.headers.get('docker-content-digest') ?? '', layers: body.layers ?? [] };
  }

  /** Deletes a manifest (by digest; the registry must allow deletes). */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const res = await this.request('DELETE', `/${repository}/manifests/${digest}`);
    if (res.status !== 404) await this.check(res, `delete ${repository}@${digest}`);
  }

  private request(method: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
    const { username, password } = this.settings;
    const auth: Record<string, string> = username
      ? { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` }
      : {};
    return fetch(this.base + path, { method, headers: { ...headers, ...auth } });
  }

  private async check(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    throw new Error(
      `registry ${this.host}: could not ${what}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
  }
}
