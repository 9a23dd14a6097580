// The config's images named literally in a chart's templates. Templates are Go templates, not YAML, so they are
// read as text: a word shaped like an image reference that normalises to a config image is a reference. What a
// template builds from parts (`{{ .Values.registry }}/api`) is not seen; its values are, where they are read.
import { imageNamed } from '../../core/image-ref.ts';

/** A config image named in a template: the image's name, the word as written, its 1-based line. */
export interface TemplateImage {
  name: string;
  word: string;
  line: number;
}

// Quotes, template delimiters, YAML and shell punctuation separate words; `:` does not (it is part of a tag).
const SEPARATORS = /[\s"'`{}()[\],|=;<>]+/;
const IMAGE_KEY = /(^|[\s{,-])["']?image["']?\s*:/;

/**
 * The words of `text` that name an image of `byRepository`. A one-part name (`api`, no `/`) counts only on a line
 * with an `image:` key, where it cannot be a label or a word of prose.
 */
export function templateImages(text: string, byRepository: ReadonlyMap<string, string>): TemplateImage[] {
  const found: TemplateImage[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const imageLine = IMAGE_KEY.test(line);
    for (const raw of line.split(SEPARATORS)) {
      const word = raw.replace(/^-+/, '').replace(/[:.]+$/, '');
      if (word === '' || !/^[a-z0-9]/i.test(word) || word.includes('..')) continue;
      if (!word.includes('/') && !imageLine) continue;
      const name = imageNamed(word, byRepository);
      if (name !== undefined) found.push({ name, word, line: index + 1 });
    }
  }
  return found;
}
