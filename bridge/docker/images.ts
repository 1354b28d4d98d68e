import type Dockerode from 'dockerode';

export class ImageError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName',
    message: string,
  ) {
    super(message);
  }
}

const PULL_TIMEOUT_MS = 60_000;
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/** `nginx` and `nginx:latest` are pulled every time, as the apiserver defaults imagePullPolicy. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const last = image.split('/').pop() ?? image;
  if (last.includes('@')) return 'IfNotPresent';
  const tag = last.includes(':') ? last.split(':').pop() : undefined;
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * Makes an image available by its pull policy. A failed pull is only a warning when the image is there
 * already (no registry can be reached on many Docker hosts); a missing image backs off like the kubelet
 * (ErrImagePull, then ImagePullBackOff until the back-off has passed).
 */
export class ImageManager {
  private readonly failures = new Map<string, { until: number; delay: number; message: string }>();
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(private readonly docker: Dockerode) {}

  private async present(image: string): Promise<boolean> {
    return this.docker
      .getImage(image)
      .inspect()
      .then(() => true, () => false);
  }

  private pull(image: string): Promise<void> {
    let pending = this.pulls.get(image);
    if (!pending) {
      pending = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`pulling ${image} timed out`)), PULL_TIMEOUT_MS);
        this.docker.pull(image, {}, (err: Error | null, stream?: NodeJS.ReadableStream) => {
          if (err) {
            clearTimeout(timer);
            return reject(err);
          }
          this.docker.modem.followProgress(stream!, (e: Error | null, output: Array<{ error?: string }>) => {
            clearTimeout(timer);
            const failed = e ?? output.find((o) => o.error);
            if (failed) reject(e ?? new Error(String((failed as { error?: string }).error)));
            else resolve();
          });
        });
      }).finally(() => this.pulls.delete(image));
      this.pulls.set(image, pending);
    }
    return pending;
  }

  /** Resolves with a warning message when a pull failed but a local copy is used. */
  async ensure(image: string, policy: string | undefined): Promise<string | undefined> {
    if (!image) throw new ImageError('InvalidImageName', 'the container has no image');
    const effective = policy ?? defaultPullPolicy(image);
    if (effective === 'Never') {
      if (await this.present(image)) return undefined;
      throw new ImageError('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
    }
    if (effective === 'IfNotPresent' && (await this.present(image))) return undefined;
    const failure = this.failures.get(image);
    if (failure && Date.now() < failure.until) {
      if (await this.present(image)) return undefined;
      throw new ImageError('ImagePullBackOff', `Back-off pulling image "${image}": ${failure.message}`);
    }
    try {
      await this.pull(image);
      this.failures.delete(image);
      return undefined;
    } catch (err) {
      const message = (err as Error).message;
      const delay = Math.min(BACKOFF_MAX_MS, failure ? failure.delay * 2 : BACKOFF_START_MS);
      this.failures.set(image, { until: Date.now() + delay, delay, message });
      if (await this.present(image)) return `Failed to pull image "${image}": ${message}; using the image present on the node`;
      throw new ImageError('ErrImagePull', `Failed to pull image "${image}": ${message}`);
    }
  }

  /** When a backed-off image may be tried again, so the runtime can schedule a retry. */
  retryAt(image: string): number | undefined {
    return this.failures.get(image)?.until;
  }
}
