/**
 * The gateway's section of RESULTS.md. `bench:gateway` measures apart from `pnpm bench` (it needs
 * NGINX and a built gateway), so its section sits between markers: a full `pnpm bench` run keeps
 * it when it rewrites the file, and a full `bench:gateway` run replaces only it.
 */
const START = '<!-- gateway:start -->';
const END = '<!-- gateway:end -->';

/** The gateway section of `markdown` (markers included), if it has one. */
export function gatewaySection(markdown: string): string | undefined {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  return start === -1 || end < start ? undefined : markdown.slice(start, end + END.length);
}

/** `markdown` with its gateway section replaced by `section` (markers added), or `section` appended. */
export function withGatewaySection(markdown: string, section: string): string {
  const marked = section.startsWith(START) ? section : `${START}\n${section.trim()}\n${END}`;
  const current = gatewaySection(markdown);
  return current === undefined
    ? `${markdown.trimEnd()}\n\n${marked}\n`
    : markdown.replace(current, () => marked);
}
