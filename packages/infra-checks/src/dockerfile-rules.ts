import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';

/** A build stage: its FROM image (ARGs resolved), its name, and the instructions it holds. */
export interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

/** Splits a Dockerfile into stages, resolving `${ARG}` defaults declared before the first FROM. */
export function stagesOf(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args.set(property.getName(), property.getValue() ?? '');
  }
  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const words = instruction.getArguments().map((a) => a.getValue());
      const image = (words.find((w) => !w.startsWith('--')) ?? '').replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_, n: string) => args.get(n) ?? `\${${n}}`,
      );
      const asAt = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ name: asAt === -1 ? undefined : words[asAt + 1], image, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The stage a target builds, following `FROM <earlier stage>` chains down to the base image. */
export function lineage(stages: readonly Stage[], target: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((s) => s.name === target);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const parentName = current.image;
    current = stages.find((s) => s.name === parentName);
  }
  return chain;
}

/** Base images (not earlier stages) that are not pinned to a full version or a digest. */
export function unpinnedBases(stages: readonly Stage[]): string[] {
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  return stages
    .map((s) => s.image)
    .filter((image) => !names.has(image))
    .filter((image) => !image.includes('@sha256:') && !/:v?\d+\.\d+\.\d+/.test(image));
}

/** The user a target runs as: the last USER in its lineage, root when there is none. */
export function runtimeUser(stages: readonly Stage[], target: string): string {
  for (const stage of lineage(stages, target)) {
    const users = stage.instructions.filter((i) => i.getKeyword() === 'USER');
    const last = users.at(-1);
    if (last) return (last.getArgumentsContent() ?? '').split(':')[0]?.trim() ?? 'root';
  }
  return 'root';
}

const INSTALL = /\b(npm\s+(install|i|ci)|pnpm\s+(install|i|add)|yarn(\s+install)?)\b/;
const PROD_ONLY = /--prod\b|--production\b|--omit[= ]dev\b/;

/**
 * How dev dependencies could reach a target's image: an install without a production flag in
 * its own stages, or a COPY --from=<stage> of something that stage did not produce with
 * `pnpm deploy --prod`.
 */
export function devDependencyLeaks(stages: readonly Stage[], target: string): string[] {
  const leaks: string[] = [];
  for (const stage of lineage(stages, target)) {
    for (const i of stage.instructions) {
      const text = i.getArgumentsContent() ?? '';
      if (
        i.getKeyword() === 'RUN' &&
        INSTALL.test(text) &&
        !PROD_ONLY.test(text) &&
        !/--global|-g\b/.test(text)
      ) {
        leaks.push(`stage ${stage.name ?? '?'}: "${text}" installs without a production flag`);
      }
      if (i instanceof Copy) {
        const from = i.getFromFlag()?.getValue();
        if (!from) continue;
        const source = i.getArguments()[0]?.getValue() ?? '';
        const producer = stages.find((s) => s.name === from);
        const deployed = producer?.instructions.some(
          (p) =>
            p.getKeyword() === 'RUN' &&
            new RegExp(`deploy\\s+--prod\\s+${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(
              p.getArgumentsContent() ?? '',
            ),
        );
        if (!deployed)
          leaks.push(
            `stage ${stage.name ?? '?'}: COPY --from=${from} ${source} is not a \`pnpm deploy --prod\` output`,
          );
      }
    }
  }
  return leaks;
}
