import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder of the models, wherever the caller runs from (repo, tests, mesh). */
export const BPMN_DIR = path.resolve(__dirname);

export interface ModelFile {
  /** File name, e.g. `technical-visit.bpmn`. */
  name: string;
  xml: string;
}

/** Every `.bpmn` file of this folder, in name order. */
export function loadModels(dir: string = BPMN_DIR): ModelFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort()
    .map((name) => ({ name, xml: readFileSync(path.join(dir, name), 'utf8') }));
}
