/** The repository's root directory. */
export const root: string;

/** A fenced block that quotes an example file, or what running it prints. */
export interface QuotedBlock {
  kind: 'example' | 'output';
  /** The example's path, relative to the repository. */
  path: string;
  /** The block's text, without its fences. */
  text: string;
}

/** The markdown files that may quote examples: README.md and docs/ (not the generated API). */
export function markdownFiles(): string[];

/** The quoted blocks of one markdown file. */
export function quotedBlocks(markdown: string): QuotedBlock[];

/** Rewrites the example blocks of every markdown file from their files; returns the files changed. */
export function syncExamples(): string[];
