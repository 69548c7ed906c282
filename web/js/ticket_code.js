// A ticket code as people see it and as they type it. The code is what the QR code holds
// (32 lowercase hex characters today; the contract only promises URL-safe text): shown in
// groups of four so a customer can read it out at the door, and taken back from whatever
// a person or a scanner typed, spaces and capitals included.

const GROUP = 4;
const HEX_CODE = /^[0-9a-f]{32}$/i;

/** "1a2b 3c4d 5e6f ...": the code in groups of four, for reading aloud; '' for none. */
export function groupCode(code) {
  const text = typeof code === 'string' ? code : '';
  const groups = [];
  for (let i = 0; i < text.length; i += GROUP) groups.push(text.slice(i, i + GROUP));
  return groups.join(' ');
}

/**
 * The code to send for what was typed: without white space (the groups a person read
 * out, a scanner's trailing tab or newline), and in lowercase when it is a hex code, as
 * the server writes them. Any other text is sent as typed, for the server to judge: a
 * code of another form must not be changed by a guess here.
 */
export function normalizeCode(typed) {
  const text = String(typed ?? '').replace(/\s+/g, '');
  return HEX_CODE.test(text) ? text.toLowerCase() : text;
}
