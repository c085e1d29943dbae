import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './address-rules';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Where a host name points; DNS by default, a fixed table in tests. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const dnsResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** A URL the platform will not send to; `reason` is what a 422 on `url` says. */
export class UrlRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UrlRefused';
  }
}

export interface UrlGuardOptions {
  /** `WEBHOOK_ALLOW_PRIVATE_URLS`: `http` and non-public addresses allowed (development, tests). */
  allowPrivate: boolean;
  resolve?: Resolver;
}

/** Where one attempt connects: the URL, and the checked address its host resolved to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a webhook URL (SPEC §6a): `https` only, and every address its host resolves to must be
 * public; with `allowPrivate`, `http` and any address pass. Called at creation, on a change of
 * URL and before every attempt; the attempt then connects to the address checked here (never
 * resolving the name again), so a DNS answer that changes between the check and the connection
 * (rebinding) cannot lead it elsewhere.
 */
export async function checkWebhookUrl(
  raw: string,
  { allowPrivate, resolve = dnsResolver }: UrlGuardOptions,
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('is not an absolute URL');
  }
  if (url.username !== '' || url.password !== '')
    throw new UrlRefused('must not carry credentials');
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    throw new UrlRefused(allowPrivate ? 'must be an http or https URL' : 'must be an https URL');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (hostname === '') throw new UrlRefused('has no host');
  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new UrlRefused('has a host name that does not resolve');
    }
    if (addresses.length === 0) throw new UrlRefused('has a host name that does not resolve');
  }
  if (!allowPrivate) {
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused)
      throw new UrlRefused(
        'must resolve to public addresses only (no loopback, private, link-local or metadata address)',
      );
  }
  return { url, address: addresses[0].address, family: addresses[0].family };
}
