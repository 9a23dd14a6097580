// The text of a local chart, folder or packaged archive: its own default values, and the templates of the chart
// and of its subcharts. The compiler looks through them for the config's images; render reads the default values
// to replace the config's image names in them as it does in the deployment's values.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** How the reader sees files (absolute paths); the compiler passes its read log, render the file system. */
export interface ChartIo {
  text(path: string): string | undefined;
  bytes(path: string): Uint8Array | undefined;
  /** The entries of a folder, or undefined when it is absent. */
  list(path: string): { name: string; directory: boolean }[] | undefined;
}

/** One text file of a chart; `file` is project-relative (`web/chart.tgz#web/values.yaml` inside an archive). */
export interface ChartText {
  file: string;
  text: string;
}

/** What a local chart holds that can name images. */
export interface ChartContents {
  /** The chart's own `values.yaml`, if it has one. */
  values: ChartText | undefined;
  /** Its templates, and every template and default value file of its subcharts. */
  templates: ChartText[];
  /** What could not be read (a damaged archive), each said for a message. */
  unreadable: string[];
}

/** Reads the local chart at `chartPath` (project-relative); `valuesOnly` skips templates and subcharts. */
export async function readLocalChart(
  projectDir: string,
  chartPath: string,
  io: ChartIo,
  options: { valuesOnly?: boolean } = {},
): Promise<ChartContents> {
  const out: ChartContents = { values: undefined, templates: [], unreadable: [] };
  const abs = (rel: string): string => posix.join(projectDir.split('\\').join('/'), rel);
  if (/\.tgz$|\.tar\.gz$/i.test(chartPath)) {
    const files = await archiveFiles(chartPath, io.bytes(abs(chartPath)), out);
    if (files) await fromArchive(files, chartPath, true, out, options);
    return out;
  }
  if (io.list(abs(chartPath)) === undefined) {
    out.unreadable.push(`chart "${chartPath}" is not in the project`);
    return out;
  }
  const values = io.text(abs(posix.join(chartPath, 'values.yaml')));
  if (values !== undefined) out.values = { file: posix.join(chartPath, 'values.yaml'), text: values };
  if (options.valuesOnly) return out;
  const folder = async (dir: string, all: boolean): Promise<void> => {
    for (const entry of io.list(abs(dir)) ?? []) {
      const path = posix.join(dir, entry.name);
      if (entry.directory) await folder(path, all);
      else if (all || dir.split('/').includes('templates')) {
        if (/\.tgz$|\.tar\.gz$/i.test(entry.name)) {
          const files = await archiveFiles(path, io.bytes(abs(path)), out);
          if (files) await fromArchive(files, path, false, out, options);
        } else {
          const text = io.text(abs(path));
          if (text !== undefined) out.templates.push({ file: path, text });
        }
      }
    }
  };
  await folder(posix.join(chartPath, 'templates'), false);
  // Subcharts: their defaults are not the chart's values, so they count like templates.
  await folder(posix.join(chartPath, 'charts'), true);
  return out;
}

/** The files of a packaged chart (a gzipped tar), by path inside it; undefined (and why) when it cannot be read. */
async function archiveFiles(
  file: string,
  bytes: Uint8Array | undefined,
  out: ChartContents,
): Promise<Map<string, Uint8Array> | undefined> {
  if (bytes === undefined) {
    out.unreadable.push(`chart archive "${file}" cannot be read`);
    return undefined;
  }
  try {
    const { extract } = await import('tar-stream');
    const tar = extract();
    tar.end(Buffer.from(gunzipSync(bytes)));
    const files = new Map<string, Uint8Array>();
    for await (const entry of tar) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') files.set(posix.normalize(entry.header.name), Buffer.concat(chunks));
    }
    return files;
  } catch (err) {
    out.unreadable.push(`chart archive "${file}" cannot be read (${(err as Error).message})`);
    return undefined;
  }
}

/** Sorts an archive's files: the top chart's `values.yaml` (when it is the deployment's chart), templates, subcharts. */
async function fromArchive(
  files: ReadonlyMap<string, Uint8Array>,
  archive: string,
  own: boolean,
  out: ChartContents,
  options: { valuesOnly?: boolean },
): Promise<void> {
  const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
  for (const [name, bytes] of files) {
    const parts = name.split('/');
    // `<chart>/values.yaml`, `<chart>/templates/...`, `<chart>/charts/...`
    if (own && parts.length === 2 && parts[1] === 'values.yaml') {
      out.values = { file: `${archive}#${name}`, text: text(bytes) };
      continue;
    }
    if (options.valuesOnly) continue;
    const inTemplates = parts[1] === 'templates';
    const inSubchart = parts[1] === 'charts';
    if (!own && parts.length === 2 && parts[1] === 'values.yaml') {
      out.templates.push({ file: `${archive}#${name}`, text: text(bytes) });
    } else if (inTemplates || (inSubchart && !/\.tgz$|\.tar\.gz$/i.test(name))) {
      out.templates.push({ file: `${archive}#${name}`, text: text(bytes) });
    } else if (inSubchart) {
      const inner = `${archive}#${name}`;
      const nested = await archiveFiles(inner, bytes, out);
      if (nested) await fromArchive(nested, inner, false, out, options);
    }
  }
}

/** The file system as it is, for render (the compiler passes its read log instead). */
export const chartFileSystem: ChartIo = {
  text: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  bytes: (path) => {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  list: (path) => {
    try {
      return readdirSync(path, { withFileTypes: true }).map((e) => ({
        name: e.name,
        directory: e.isDirectory(),
      }));
    } catch {
      return undefined;
    }
  },
};
