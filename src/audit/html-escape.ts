/**
 * HTML escaping for the audit report. Everything shown comes from the wire (attacker
 * controlled: message text, URIs, file names, reason phrases), so every value goes through
 * {@link esc}, in text and in (always double-quoted) attributes alike. The five characters below
 * are the ones that can end a text node, a quoted attribute or start markup (HTML Living
 * Standard 13.1.2.6 / OWASP XSS rule #1 and #2); inside inline SVG the same rules hold (it is
 * parsed as foreign content in the HTML tree, where `<` still starts a tag).
 */
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(value) : value;
  // Also replace C0 controls other than TAB/LF/CR, and DEL: they are not allowed in HTML text
  // and some would garble the rendering. Lone surrogates need nothing here: the page is written
  // with Buffer.from(html, 'utf8') (cli/audit-command.ts), which encodes each as U+FFFD.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (HTML Living Standard 13.2.2: not allowed in text)
  return s.replace(/[&<>"']/g, (c) => MAP[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}
