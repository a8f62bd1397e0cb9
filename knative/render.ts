/**
 * Renders knative/services/*.yaml and knative/sources/*.yaml from knative/functions.yaml and
 * knative/scaling.yaml.
 *
 *   npx tsx knative/render.ts           write the manifests
 *   npx tsx knative/render.ts --check   exit 1 with a diff summary when the committed ones are stale
 *   --root <dir>                        another repository root (tests)
 *
 * IMAGE_REGISTRY (optional) prefixes the images: `$IMAGE_REGISTRY/ahs-field-service/<name>:latest`.
 * The committed manifests are rendered without it, so --check ignores it.
 */
import { diffRendered, renderAll, writeRendered } from './render-all';
import { repoRoot } from './repo';

function main(argv: readonly string[]): number {
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? (argv[rootAt + 1] ?? '') : repoRoot();
  if (argv.includes('--check')) {
    const files = renderAll(root);
    const problems = diffRendered(root, files);
    if (problems.length === 0) {
      process.stdout.write(`knative manifests are up to date (${files.length} files)\n`);
      return 0;
    }
    process.stderr.write('knative manifests are out of date; run `npx tsx knative/render.ts` and commit:\n' + problems.map((p) => `  ${p}\n`).join(''));
    return 1;
  }
  const files = renderAll(root, { imageRegistry: process.env.IMAGE_REGISTRY || undefined });
  writeRendered(root, files);
  process.stdout.write(files.map((f) => `rendered ${f.path}\n`).join(''));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
