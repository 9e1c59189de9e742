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
