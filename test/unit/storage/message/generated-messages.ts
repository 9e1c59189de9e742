// Test helper: messages built in code for edge cases awkward to keep as files.

/** Named messages generated in code. */
export function generatedMessages(): { name: string; bytes: Buffer }[] {
  const list: { name: string; bytes: Buffer }[] = [];
  const add = (name: string, text: string): void => {
    list.push({ name, bytes: Buffer.from(text, 'latin1') });
  };
  add('lone CR inside lines', 'Subject: cr\r\n\r\nline with \r lone CR\r\nlast\r');
  add('mixed line ends', 'Subject: mixed\n\r\nbody one\r\nbody two\nthree');
  add('empty multipart parts', 'Content-Type: multipart/mixed; boundary=e\n\n--e\n--e\n\n--e--\n');
  add('multipart with boundary never used', 'Content-Type: multipart/mixed; boundary=never\n\njust text\n');
  add('header line without colon', 'Subject: x\nthis is not a header\nX-A: b\n\nbody\n');
  add('no header at all', '\nbody only\n');
  add('deep nesting', nested(12));
  add('close boundary with trailing junk', 'Content-Type: multipart/mixed; boundary=j\n\n--j  \nContent-Type: text/plain\n\na\n--j--junk\nepilogue\n');
  add('base64 message/rfc822', 'Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoKeQo=\n');
  add('empty message', '');
  add('charset after other params', 'Content-Type: text/plain; format=flowed; CharSet=utf-8; delsp=yes\n\nx\n');
  add('boundary prefix followed by text', 'Content-Type: multipart/mixed; boundary=sep\n\n--sep\n\na\n--sepX not a boundary?\nb\n--sep--\n');
  add('field name with space before colon', 'Subject : spaced\nContent-Type : text/html\n\nx\n');
  add('content type with comments and case', 'Content-Type: Text/HTML (a comment); CHARSET="UTF-8" (another)\nContent-Transfer-Encoding: (c) Base64\n\nx\n');
  add('empty subject and odd addresses', 'Subject:\nFrom: localonly\nTo: <>, Name <>, @, a@\nCc: "" <x@y>\nMessage-ID: <a b@c> (comment)\nIn-Reply-To:   <x@y>\n\nbody\n');
  add('address list with encoded words and nested comments', 'From: =?utf-8?q?A?= (c (nested) d) <a@b>, b@c (x), "q\\"x" <q@r>\nTo: list: ;\nCc: g1: a@b;, g2: c@d\n\nx\n');
  add('duplicate content-type fields', 'Content-Type: text/html\nContent-Type: image/png\n\nx\n');
  add('folded content-type with tabs', 'Content-Type: multipart/alternative;\n\tboundary="x y"\n\n--x y\nContent-Type: text/plain\n\nz\n--x y--\n');
  add('language and location folded', 'Content-Type: text/plain\nContent-Language: en-US,\n fr\nContent-Location:\n  http://x/y\nContent-ID:   <id@x>  \n\nx\n');
  add('first line of a field empty, value folded', 'Subject:\n  folded subject\nFrom:\n a@b\nContent-Type:\n text/plain;\n charset=utf-8\nContent-Description:\n\tdesc\n\nx\n');
  add('embedded header cut by a boundary', 'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: cut\n--b\nContent-Type: message/rfc822\n\n--b\nContent-Type: message/rfc822\n--b--\n');
  add('part header cut by a boundary', 'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n--b\nContent-Type: text/html\n\n--b--\n');
  add('embedded multipart closed right before the outer boundary', 'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: in\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\nx\n--i--\n--b--\n');
  add('CRLF file with LF-only lines mixed in a multipart', 'Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\nContent-Type: text/plain\r\n\nbody\r\n--m--\r\n');
  list.push({
    name: '8-bit boundary in UTF-8',
    bytes: Buffer.from('Content-Type: multipart/mixed; boundary="b\u00e9"\n\n--b\u00e9\n\none\n--b\u00e9--\n', 'utf8'),
  });
  add('8-bit boundary in Latin-1', 'Content-Type: multipart/mixed; boundary="b\u00e9"\n\n--b\u00e9\n\none\n--b\u00e9--\n');
  add('multipart params order', 'Content-Type: multipart/mixed; a=1; boundary=z; b=2\n\n--z\n\nx\n--z--\n');
  return list;
}

function nested(depth: number): string {
  let s = 'Subject: deep\n';
  for (let i = 0; i < depth; i++) s += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
  s += 'Content-Type: text/plain\n\nleaf\n';
  for (let i = depth - 1; i >= 0; i--) s += `--b${i}--\n`;
  return s;
}
