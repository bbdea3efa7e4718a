#!/usr/bin/env node
// Write docs/checks.md from the check catalogue in src/lint/checks.ts.
// The catalogue is TypeScript, so this script compiles the sources with the
// project's own TypeScript compiler into a temporary folder under build/
// (inside the repository, so that node_modules resolves), imports the
// formatter from there and writes its output. Run: node scripts/generate-checks-doc.mjs
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
mkdirSync(path.join(root, 'build'), { recursive: true })
const outDir = mkdtempSync(path.join(root, 'build', 'checks-doc-'))

try {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json'), '--outDir', outDir, '--noEmit', 'false'], { stdio: 'pipe' })
  } catch {
    // Type errors elsewhere in the tree do not stop tsc from emitting; the
    // import below fails if the catalogue itself did not compile.
  }
  const module = await import(pathToFileURL(path.join(outDir, 'src/lint/checks-doc.js')).href)
  const target = path.join(root, 'docs/checks.md')
  writeFileSync(target, module.formatChecksMarkdown())
  console.log(`Wrote ${path.relative(root, target)}`)
} finally {
  rmSync(outDir, { recursive: true, force: true })
}
