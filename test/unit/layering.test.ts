// The layering the README's Architecture section states, checked on the code: the rule table
// is read from the README (the one place it is written) and every import of src/**/*.ts —
// `import`, `import type`, `export … from`, `import()` — must go the way it allows, `node:`
// modules only where it allows them, and the packages a folder owns imported nowhere else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const src = join(root, 'src');

interface Rule {
  /** 'cli.ts' or a folder name under src/ */
  unit: string;
  /** folders it may import; undefined: every one */
  imports?: Set<string>;
  /** node: modules it may import; undefined: any */
  node?: Set<string>;
  /** packages nothing else may import */
  owns: string[];
}

/** The rule table under the README's Architecture heading. */
function readRules(): Rule[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Architecture');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const rows = section.split('\n').filter((l) => /^\| `src\//.test(l));
  return rows.map((row) => {
    const [unitCell, importsCell, nodeCell, ownsCell] = row.split('|').slice(1, 5).map((c) => c.trim());
    const unit = unitCell.replace(/`/g, '').replace(/^src\//, '').replace(/\/$/, '');
    const list = (cell: string): string[] => cell.split(/[,\s]+/).filter(Boolean);
    return {
      unit,
      imports: importsCell === 'every folder' ? undefined : new Set(importsCell === 'nothing' ? [] : list(importsCell)),
      node: nodeCell === 'any' ? undefined : new Set(nodeCell === 'none' ? [] : list(nodeCell).map((m) => m.replace(/`/g, ''))),
      owns: list(ownsCell ?? ''),
    };
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The unit (rule row) a path under src/ belongs to. */
const unitOf = (path: string): string => {
  const rel = relative(src, path);
  return rel === 'cli.ts' ? 'cli.ts' : rel.split(sep)[0];
};

/** Every module specifier the file imports, comments left out. */
function specifiers(code: string): string[] {
  const bare = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of bare.matchAll(re)) out.push(m[1] ?? m[2]);
  return out;
}

const packageOf = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

describe('layering (README Architecture)', () => {
  const rules = readRules();
  const byUnit = new Map(rules.map((r) => [r.unit, r]));

  it('the README table has one row per folder of src/ (and src/cli.ts), naming folders that exist', () => {
    const units = new Set(files(src).map(unitOf));
    expect(rules.length).toBeGreaterThan(5);
    expect([...byUnit.keys()].sort()).toEqual([...units].sort());
    for (const r of rules) for (const u of r.imports ?? []) expect(units.has(u), `${r.unit} may import "${u}", which is no folder of src/`).toBe(true);
  });

  it('every import of src/**/*.ts goes a way the table allows', () => {
    const owners = new Map(rules.flatMap((r) => r.owns.map((p) => [p, r.unit] as const)));
    const violations: string[] = [];
    for (const file of files(src)) {
      const from = unitOf(file);
      const rule = byUnit.get(from);
      if (!rule) continue; // reported by the test above
      const where = relative(root, file);
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = normalize(join(dirname(file), spec));
          const to = unitOf(target);
          if (to !== from && rule.imports && !rule.imports.has(to)) violations.push(`${where} imports ${relative(root, target)}: ${from} may import ${[...rule.imports].join(', ') || 'nothing'}`);
        } else if (spec.startsWith('node:')) {
          if (rule.node && !rule.node.has(spec)) violations.push(`${where} imports ${spec}: ${from} may import ${[...rule.node].join(', ') || 'no node: module'}`);
        } else {
          const owner = owners.get(packageOf(spec));
          if (owner !== undefined && owner !== from) violations.push(`${where} imports ${spec}: only ${owner} may`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('reads every form of import, and only code', () => {
    const code = [
      "import { a } from '../fleet/store.js';",
      "import type { B } from '../kube/client.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "import * as e from 'node:fs';",
      "import './side-effect.js';",
      "const f = await import('../ui/app.js');",
      'import {',
      '  g,',
      '  type H,',
      "} from '../model/g.js';",
      "// import { x } from '../ui/commented.js';",
      "/* import { y } from '../ui/block.js'; */",
      "const url = 'https://example.com/'; // a comment after a string",
    ].join('\n');
    expect(specifiers(code)).toEqual(['../fleet/store.js', '../kube/client.js', './c.js', './d.js', 'node:fs', './side-effect.js', '../ui/app.js', '../model/g.js']);
  });
});
