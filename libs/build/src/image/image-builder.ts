import Docker from 'dockerode';
import { buildContext, LABELS, type ImageSources } from './image-context';
import { RegistryClient, type RegistrySettings } from './registry-client';

export interface ImageBuilderOptions {
  docker?: Docker;
  baseImage: string;
  /** Where images are pushed; none: built on the local engine only (a docker runtime on the same engine). */
  registry?: RegistrySettings;
  harnessDir: string;
}

export interface BuiltImage {
  /** `registry/namespace/script-<id>:v<version>` */
  image: string;
  /** The pushed manifest's digest; undefined when not pushed. */
  digest?: string;
  /** Layers the push uploaded (the rest the registry already had). */
  layersPushed: number;
  layersExisting: number;
}

interface Progress {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Digest?: string };
}

/** One image per script version (image-context.ts has the layers), built with dockerode and pushed. */
export class ImageBuilder {
  readonly docker: Docker;
  readonly registry?: RegistryClient;

  constructor(private readonly opts: ImageBuilderOptions) {
    this.docker = opts.docker ?? new Docker();
    this.registry = opts.registry ? new RegistryClient(opts.registry) : undefined;
  }

  /** The reference of a version's image. */
  imageOf(scriptId: string, version: number): string {
    const repository = this.registry
      ? `${this.registry.host}/${this.registry.repositoryOf(scriptId)}`
      : `runlet/script-${scriptId.toLowerCase()}`;
    return `${repository}:v${version}`;
  }

  async build(
    input: Omit<ImageSources, 'baseImage' | 'harnessDir'>,
    log: (line: string) => void = () => undefined,
  ): Promise<BuiltImage> {
    const image = this.imageOf(input.labels.scriptId, input.labels.version);
    const sources: ImageSources = {
      ...input,
      baseImage: this.opts.baseImage,
      harnessDir: this.opts.harnessDir,
    };
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(buildContext(sources) as unknown as NodeJS.ReadableStream, {
        t: image,
        rm: true,
        forcerm: true,
        pull: false,
      });
    } catch (err) {
      throw new Error(`image build failed: the Docker engine did not answer (${(err as Error).message})`, {
        cause: err,
      });
    }
    await this.follow(stream, (event) => {
      if (event.stream?.trim()) log(`image: ${event.stream.trim()}`);
    }).catch((err: Error) => {
      throw new Error(`image build failed: ${err.message}`, { cause: err });
    });
    log(`image: built ${image}`);
    if (!this.registry) return { image, layersPushed: 0, layersExisting: 0 };

    const { username, password } = this.opts.registry!;
    let digest: string | undefined;
    let layersPushed = 0;
    let layersExisting = 0;
    const push = await this.docker.getImage(image).push({
      // The engine wants the header even for a registry without credentials.
      authconfig: { username: username ?? '', password: password ?? '', serveraddress: this.registry.host },
    });
    await this.follow(push, (event) => {
      if (event.status === 'Pushed') layersPushed++;
      if (event.status === 'Layer already exists') layersExisting++;
      if (event.aux?.Digest) digest = event.aux.Digest;
    }).catch((err: Error) => {
      throw new Error(`image push to ${this.registry!.host} failed: ${err.message}`, { cause: err });
    });
    log(`image: pushed ${image} (${layersPushed} layer(s) uploaded, ${layersExisting} already there)`);
    return { image, digest, layersPushed, layersExisting };
  }

  /**
   * Removes a local image (ours only: by our label). Forced, so a warm container still holding it
   * does not keep the tag; the engine frees the layers once that container is gone.
   */
  async removeLocal(image: string): Promise<void> {
    const found = await this.docker
      .getImage(image)
      .inspect()
      .catch(() => undefined);
    if (!found?.Config?.Labels?.[LABELS.scriptId]) return;
    await this.docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  }

  private follow(stream: NodeJS.ReadableStream, onEvent: (event: Progress) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: Progress) => {
          if (event.error) reject(new Error(event.errorDetail?.message ?? event.error));
          else onEvent(event);
        },
      );
    });
  }
}
