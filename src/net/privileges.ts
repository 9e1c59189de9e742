// Dropping root privileges after the listeners are bound (config `user` and `group`).
//
// Names are resolved with getent(1), i.e. through NSS like the process.setuid/initgroups calls
// that follow, so LDAP or sssd users resolve the same way here as there.
import { execFileSync } from 'node:child_process';
import { StartupError } from '../errors.js';

/** A passwd entry: what `user` resolves to. */
export interface UserEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** A group entry: what `group` resolves to. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
}

/** Resolves user and group names (or numeric ids); null when they do not exist. */
export interface IdentityLookup {
  user(nameOrId: string): UserEntry | null;
  group(nameOrId: string): GroupEntry | null;
}

/** What dropPrivileges will do (or did): nothing, or switch to these ids. */
export type PrivilegePlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop'; readonly user: UserEntry | null; readonly gid: number; readonly groupName: string };

/** The process's current ids, for planning. */
export interface CurrentIds {
  readonly uid: number;
  readonly gid: number;
}

/** The system's user database through `getent passwd` / `getent group`. */
export const systemLookup: IdentityLookup = {
  user(nameOrId) {
    const f = getent('passwd', nameOrId);
    return f === null ? null : { name: f[0], uid: Number(f[2]), gid: Number(f[3]) };
  },
  group(nameOrId) {
    const f = getent('group', nameOrId);
    return f === null ? null : { name: f[0], gid: Number(f[2]) };
  },
};

function getent(db: 'passwd' | 'group', key: string): string[] | null {
  // A key with ':' or a newline could never match and would confuse the parsing.
  if (key === '' || /[:\n\0]/.test(key)) return null;
  let out: string;
  try {
    out = execFileSync('getent', [db, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number };
    if (e.code === 'ENOENT') throw new StartupError('cannot resolve user and group names: getent(1) is not installed', { cause: err });
    if (e.status === 2) return null; // "key not found"
    throw new StartupError(`getent ${db} ${key} failed: ${e.message}`, { cause: err });
  }
  const fields = out.split('\n')[0].split(':');
  return fields.length >= 3 && /^\d+$/.test(fields[2]) ? fields : null;
}

/**
 * Decide what to do for config `user`/`group` given the current ids. Both empty: nothing. Not
 * root: fine only if they name the current user and group already. Throws StartupError naming
 * the setting for unknown names or when switching is impossible.
 */
export function planPrivilegeDrop(user: string, group: string, current: CurrentIds, lookup: IdentityLookup): PrivilegePlan {
  if (user === '' && group === '') return { kind: 'none' };
  const u = user === '' ? null : lookup.user(user);
  if (user !== '' && u === null) throw new StartupError(`user: no such user "${user}"`);
  const g = group === '' ? null : lookup.group(group);
  if (group !== '' && g === null) throw new StartupError(`group: no such group "${group}"`);
  const targetUid = u?.uid ?? current.uid;
  const targetGid = g?.gid ?? u?.gid ?? current.gid;
  if (current.uid !== 0) {
    if (targetUid === current.uid && targetGid === current.gid) return { kind: 'none' };
    const wanted = [user && `user "${user}"`, group && `group "${group}"`].filter(Boolean).join(' and ');
    throw new StartupError(`user/group: cannot switch to ${wanted}: not running as root (uid ${current.uid}, gid ${current.gid})`);
  }
  return { kind: 'drop', user: u, gid: targetGid, groupName: g?.name ?? String(targetGid) };
}

/**
 * Switch to config `user`/`group` when running as root (after binding the ports): supplementary
 * groups, then gid, then uid. A no-op when both are empty. Throws StartupError on any failure.
 */
export function dropPrivileges(user: string, group: string, lookup: IdentityLookup = systemLookup): PrivilegePlan {
  if (process.getuid === undefined || process.getgid === undefined) {
    if (user === '' && group === '') return { kind: 'none' };
    throw new StartupError('user/group: switching users is not supported on this platform');
  }
  const plan = planPrivilegeDrop(user, group, { uid: process.getuid(), gid: process.getgid() }, lookup);
  if (plan.kind === 'none') return plan;
  try {
    // initgroups is POSIX-only and missing from this version of @types/node.
    const { initgroups } = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
    if (plan.user !== null && initgroups !== undefined) initgroups(plan.user.name, plan.gid);
    else process.setgroups?.([plan.gid]);
    process.setgid?.(plan.gid);
    if (plan.user !== null) process.setuid?.(plan.user.uid);
  } catch (err) {
    throw new StartupError(`user/group: cannot switch to ${user || '(same user)'}:${group || '(primary group)'}: ${(err as Error).message}`, { cause: err });
  }
  const uidOk = plan.user === null || (process.getuid() === plan.user.uid && process.geteuid?.() === plan.user.uid);
  if (!uidOk || process.getgid() !== plan.gid) {
    throw new StartupError(`user/group: switching ids did not take effect (uid ${process.getuid()}, gid ${process.getgid()})`);
  }
  return plan;
}
