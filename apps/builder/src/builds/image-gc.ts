import { Logger } from '@nestjs/common';
import { ImageBuilder } from '@runlet/build';
import { BuildHistory } from './build-history';

/**
 * Removes the images no one needs any more: every image of an archived script, and of versions
 * neither deployed nor built within `keepMs`. In the registry by deleting the manifest (the
 * registry's own garbage collection then frees the blobs); on the local engine too.
 */
export class ImageGarbageCollector {
  private readonly logger = new Logger('builder:image-gc');

  constructor(
    private readonly images: ImageBuilder,
    private readonly history: BuildHistory,
    private readonly keepMs: number,
  ) {}

  /** One collection; returns the images removed. */
  async collect(): Promise<string[]> {
    const built = await this.history.builtImages(new Date(Date.now() - this.keepMs));
    const kept = new Set(built.filter((b) => b.referenced).map((b) => b.image));
    const removed: string[] = [];
    for (const candidate of built) {
      if (kept.has(candidate.image) || removed.includes(candidate.image)) continue;
      const registry = this.images.registry;
      if (registry) {
        const repository = registry.repositoryOf(candidate.scriptId);
        const digest =
          candidate.imageDigest ?? (await registry.manifest(repository, `v${candidate.version}`))?.digest;
        if (digest) await registry.deleteManifest(repository, digest);
      }
      await this.images.removeLocal(candidate.image);
      removed.push(candidate.image);
    }
    if (removed.length) this.logger.log(`removed ${removed.length} image(s)`);
    return removed;
  }
}
