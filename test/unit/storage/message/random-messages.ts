// Test helper: seeded random MIME messages (nested multiparts, embedded messages, cut headers,
// missing blank lines and boundaries, look-alike boundary lines, mixed line ends). The same
// seed always gives the same messages, so a failure is reproducible.

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random messages from `seed`. */
export function randomMessages(seed: number, count: number): { name: string; bytes: Buffer }[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const chance = (p: number): boolean => rnd() < p;
  const eol = (): string => (chance(0.85) ? '\n' : '\r\n');
  let boundaryNo = 0;

  // After a header without blank line, an indented first line would fold into the last field
  // and make an invalid Content-Type, which Dovecot reports as type "" (we say text/plain).
  const text = (afterHeader: boolean): string => {
    let s = '';
    const lines = Math.floor(rnd() * 4);
    for (let i = 0; i < lines; i++) {
      const choices = ['hello', '', 'x y z', '-- not a boundary', '--', '  indented', 'a=3D b'];
      s += pick(afterHeader && i === 0 ? choices.slice(0, 5) : choices) + eol();
    }
    if (chance(0.3)) s += 'no final newline';
    return s;
  };

  const entity = (depth: number, outer: string[]): string => {
    const kind = depth > 3 ? 'leaf' : pick(['leaf', 'leaf', 'multipart', 'multipart', 'message']);
    let h = '';
    if (chance(0.5)) h += `X-Depth: ${depth}` + eol();
    if (kind === 'leaf') {
      if (chance(0.6)) h += `Content-Type: ${pick(['text/plain', 'text/html; charset=utf-8', 'application/octet-stream', 'image/png; name=a.png'])}` + eol();
      if (chance(0.3)) h += `Content-Transfer-Encoding: ${pick(['base64', 'quoted-printable', '8bit'])}` + eol();
      const blank = chance(0.9);
      return h + (blank ? eol() : '') + text(!blank);
    }
    if (kind === 'message') {
      h += 'Content-Type: message/rfc822' + eol();
      return h + (chance(0.9) ? eol() : '') + `Subject: inner ${depth}` + eol() + entity(depth + 1, outer);
    }
    const b = chance(0.15) && outer.length > 0 ? `${pick(outer)}-x` : `b${boundaryNo++}`;
    h += `Content-Type: multipart/${pick(['mixed', 'alternative', 'digest'])}; boundary="${b}"` + eol();
    let s = h + eol();
    if (chance(0.3)) s += 'preamble' + eol();
    const parts = Math.floor(rnd() * 4);
    for (let i = 0; i < parts; i++) {
      s += `--${b}${chance(0.1) ? '  ' : ''}` + eol();
      s += entity(depth + 1, [...outer, b]);
      if (!s.endsWith('\n')) s += eol();
    }
    if (chance(0.8)) s += `--${b}--` + eol();
    if (chance(0.2)) s += 'epilogue' + eol();
    return s;
  };

  const out: { name: string; bytes: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const body = `Subject: random ${seed}/${i}` + eol() + entity(0, []);
    out.push({ name: `random ${seed}/${i}`, bytes: Buffer.from(body, 'latin1') });
  }
  return out;
}
