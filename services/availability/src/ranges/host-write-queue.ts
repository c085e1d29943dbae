import { Injectable } from '@nestjs/common';

/**
 * Lines up the writers of one host within a replica, so that they take turns at the host's
 * document instead of all reading the same version and all but one deciding again. It decides
 * nothing: writers on other replicas still race, and the compare-and-set decides between them.
 */
@Injectable()
export class HostWriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async around<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(hostId) ?? Promise.resolve();
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => turn);
    this.tails.set(hostId, tail);
    await previous;
    try {
      return await work();
    } finally {
      done();
      if (this.tails.get(hostId) === tail) this.tails.delete(hostId);
    }
  }
}
