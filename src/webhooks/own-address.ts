import { isIP } from 'node:net';
import os from 'node:os';
import type { AppContext } from '../app-context.ts';
import type { Config } from '../config/config.ts';
import { unprocessable } from '../shared/errors.ts';

// A webhook whose URL is Scene itself makes every delivery a request to Scene's own API, which
// may queue another delivery (a webhook on its own /ping: 1,700 deliveries in 5 s). Scene's
// own addresses are its public URL, and its listening ports on any address of this machine.
// Names that only DNS maps to this machine are not caught (resolving at validation time would
// be both slow and unreliable).

type Own = Pick<AppContext, 'config'>;

/**
 * The ports the HTTP server of each Scene listens on, recorded by the server itself once it
 * listens (SCENE_PORT=0 picks one only then). Keyed by the Scene's config, which its context
 * and everything built from it share, so that several Scenes in one process (tests) do not
 * see each other's.
 */
const listeningPorts = new WeakMap<Config, Set<number>>();

export function recordListeningPorts(ctx: Own, ports: readonly number[]): void {
  listeningPorts.set(ctx.config, new Set(ports));
}

export function forgetListeningPorts(ctx: Own): void {
  listeningPorts.delete(ctx.config);
}

function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Lower case, without IPv6 brackets or the trailing dot of a fully qualified name. */
function bareHost(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** `::ffff:7f00:1` (how URL writes ::ffff:127.0.0.1) as `127.0.0.1`; undefined otherwise. */
function mappedIpv4(host: string): string | undefined {
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!match) return undefined;
  const high = parseInt(match[1] ?? '0', 16);
  const low = parseInt(match[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function thisMachinesAddresses(): Set<string> {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .flatMap((info) => (info ? [info.address.toLowerCase()] : []));
  return new Set([...addresses, os.hostname().toLowerCase()]);
}

/** A name or address that reaches this machine: loopback, "any", or one of its interfaces. */
function isThisMachine(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const ip = mappedIpv4(host) ?? host;
  if (isIP(ip) === 4 && (ip.startsWith('127.') || ip === '0.0.0.0')) return true;
  if (ip === '::1' || ip === '::') return true;
  return thisMachinesAddresses().has(ip);
}

function ownPorts(ctx: Own): Set<number> {
  const ports = new Set(listeningPorts.get(ctx.config));
  // `scene serve` listens on SCENE_PORT; 0 means "any free port", known only once listening.
  if (ctx.config.port !== 0) ports.add(ctx.config.port);
  return ports;
}

/** Whether `url` reaches this Scene: its public URL's host and port, or a port it listens on here. */
export function isOwnAddress(ctx: Own, url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const publicUrl = new URL(ctx.config.publicUrl);
  const host = bareHost(target);
  const port = effectivePort(target);
  if (host === bareHost(publicUrl) && port === effectivePort(publicUrl)) return true;
  return ownPorts(ctx).has(port) && isThisMachine(host);
}

export function ownAddressMessage(url: string): string {
  return `url points at this Scene (${new URL(url).host}): a webhook calling Scene's own API would loop; use the address of another service`;
}

/** 422 for a webhook URL that reaches this Scene (at create and update). */
export function assertNotOwnAddress(ctx: Own, url: string): void {
  if (isOwnAddress(ctx, url)) {
    const message = ownAddressMessage(url);
    throw unprocessable(message, [{ field: 'url', message }]);
  }
}
