import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * Lists functions, methods and arrow functions longer than a limit (default 120 lines) in app/ and
 * workers/, tests excluded — the "no function over 120 lines" target of issue 12.
 *   npx tsx scripts/long-functions.ts [limit]
 * Exits 1 when it finds any, so it can serve as a check. A function nested in a long one is
 * listed on its own when it is long itself; the outer one counts its full span.
 */

const limit = Number(process.argv[2] ?? 120);
const roots = ["app", "workers"];
const skip = /(\.test\.tsx?|\.spec\.tsx?|\.d\.ts)$/;
const skipDirs = new Set(["node_modules", "generated", "build"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return skipDirs.has(name) ? [] : files(full);
    return /\.tsx?$/.test(name) && !skip.test(name) ? [full] : [];
  });
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent && ts.isCallExpression(parent))
    return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return "(anonymous)";
}

const found: { file: string; line: number; name: string; lines: number }[] = [];
for (const file of roots.flatMap(files)) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node)
    ) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) found.push({ file, line: start + 1, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
found.sort((a, b) => b.lines - a.lines);
for (const f of found) console.log(`${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}`);
console.log(`${found.length} function(s) over ${limit} lines`);
process.exitCode = found.length > 0 ? 1 : 0;
