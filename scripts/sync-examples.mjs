// The docs quote their examples from real files, so that the examples the tests type-check and
// run are the ones people read. In README.md and docs/**/*.md,
//
//   <!-- example: docs/examples/x.ts -->   is followed (after a blank line) by a fenced block
//                                          holding that file, and
//   <!-- output: docs/examples/x.ts -->    by a fenced block of what running it prints.
//
// `npm run docs:examples` rewrites every example block from its file; e2e/docs-examples.spec.ts
// fails when one is stale, and checks each output block against a run in Chromium.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

// The fence follows its marker after one blank line, as Prettier leaves it.
const MARKER = /<!-- (example|output): (\S+) -->\n\n(`{3,})(\w*)\n((?:(?!\3\n)[^\n]*\n)*)\3\n/g;

/** The markdown files that may quote examples: README.md and docs/ (not the generated API). */
export function markdownFiles() {
  const walk = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) return path === 'docs/api' ? [] : walk(path);
      return e.name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', ...walk('docs')];
}

/**
 * The quoted blocks of one markdown file.
 *
 * @returns each block's kind, the example's path (relative to the repository) and its text.
 */
export function quotedBlocks(markdown) {
  return [...markdown.matchAll(MARKER)].map((m) => ({
    kind: m[1],
    path: m[2],
    text: m[5].replace(/\n$/, ''),
  }));
}

/** Rewrites the example blocks of every markdown file from their files; returns the files changed. */
export function syncExamples() {
  const changed = [];
  for (const file of markdownFiles()) {
    const before = readFileSync(join(root, file), 'utf8');
    const after = before.replace(MARKER, (whole, kind, path, fence, lang) => {
      if (kind !== 'example') return whole;
      const code = readFileSync(join(root, path), 'utf8').trimEnd();
      return `<!-- example: ${path} -->\n\n${fence}${lang}\n${code}\n${fence}\n`;
    });
    if (after !== before) {
      writeFileSync(join(root, file), after);
      changed.push(relative(root, join(root, file)));
    }
  }
  return changed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const changed = syncExamples();
  console.log(changed.length === 0 ? 'Every example block is up to date.' : `Updated ${changed.join(', ')}`);
}
