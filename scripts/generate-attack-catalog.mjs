#!/usr/bin/env node
// Generate src/attack/catalog.json, the offline MITRE ATT&CK Enterprise catalog
// that the ATT&CK tag checks read, from two STIX bundles: the current release
// and the previous one, kept to recognise and migrate older tags.
//
// Usage: node scripts/generate-attack-catalog.mjs [dir] [--stix FILE]
//          [--stix-version VERSION] [--out FILE]
//
// dir (default ../shared/data/attack from the repository root) must contain
// enterprise-attack-19.1*.json.gz and enterprise-attack-18.1*.json.gz, plain
// or gzip-compressed STIX 2.0 or 2.1 bundles. --stix replaces the current
// bundle with a newer local one. Its version is read from the bundle's
// x-mitre-collection object, else from the file name, else from
// --stix-version.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const currentVersion = '19.1'
const previousVersion = '18.1'
const killChainName = 'mitre-attack'

const usage = `Usage: node scripts/generate-attack-catalog.mjs [dir] [--stix FILE] [--stix-version VERSION] [--out FILE]

  dir             folder with enterprise-attack-${currentVersion}*.json.gz and
                  enterprise-attack-${previousVersion}*.json.gz
                  (default: ../shared/data/attack from the repository root)
  --stix FILE     newer Enterprise STIX bundle (.json or .json.gz) to use as the
                  current release in place of ${currentVersion}
  --stix-version  ATT&CK version of the --stix bundle, when neither its
                  x-mitre-collection object nor its file name gives one
  --out FILE      output path (default: src/attack/catalog.json)`

/** Parse the command line into options, or exit with the usage text on an invalid option. */
function parseArguments(argv) {
  const options = {
    dir: path.resolve(repoRoot, '../shared/data/attack'),
    stix: undefined,
    stixVersion: undefined,
    out: path.join(repoRoot, 'src/attack/catalog.json'),
  }
  const rest = [...argv]
  while (rest.length > 0) {
    const argument = rest.shift()
    if (argument === '--help' || argument === '-h') {
      console.log(usage)
      process.exit(0)
    }
    if (argument === '--stix' || argument === '--stix-version' || argument === '--out') {
      const value = rest.shift()
      if (value === undefined) fail(`Option '${argument}' needs a value.`)
      if (argument === '--stix') options.stix = path.resolve(value)
      if (argument === '--stix-version') options.stixVersion = value
      if (argument === '--out') options.out = path.resolve(value)
      continue
    }
    if (argument.startsWith('-')) fail(`Unknown option '${argument}'.`)
    options.dir = path.resolve(argument)
  }
  return options
}

function fail(message) {
  console.error(`${message}\n\n${usage}`)
  process.exit(2)
}

/** Find the one bundle for a version in dir, e.g. enterprise-attack-19.1….json.gz. */
function findBundle(dir, version) {
  if (!existsSync(dir)) fail(`ATT&CK data folder '${dir}' was not found.`)
  const prefix = `enterprise-attack-${version}`
  const matches = readdirSync(dir)
    .filter(name => name.startsWith(prefix) && /\.json(\.gz)?$/.test(name))
    .sort()
  if (matches.length !== 1) {
    fail(
      `Expected one file named '${prefix}*.json[.gz]' in '${dir}', found ${matches.length}.`,
    )
  }
  return path.join(dir, matches[0])
}

function readBundle(file) {
  const raw = readFileSync(file)
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8')
  const bundle = JSON.parse(text)
  if (bundle?.type !== 'bundle' || !Array.isArray(bundle.objects)) {
    fail(`File '${file}' is not a STIX bundle (no "type": "bundle" with "objects").`)
  }
  return bundle
}

/** Return the version of a bundle: x-mitre-collection, else the file name, else the fallback. */
function bundleVersion(bundle, file, fallback) {
  const collection = bundle.objects.find(
    object => object.type === 'x-mitre-collection' && /enterprise/i.test(object.name ?? ''),
  )
  if (typeof collection?.x_mitre_version === 'string') return collection.x_mitre_version
  const fromName = /enterprise-attack-(\d+\.\d+)/.exec(path.basename(file))
  if (fromName) return fromName[1]
  if (fallback !== undefined) return fallback
  fail(`Cannot tell the ATT&CK version of '${file}'; pass --stix-version.`)
}

/** Return the ATT&CK id (T1059.001, TA0002, G0007, S0002…) of a STIX object. */
function attackId(object) {
  const reference = object.external_references?.find(
    entry => entry.source_name === 'mitre-attack' && typeof entry.external_id === 'string',
  )
  return reference?.external_id
}

/** Index a bundle: tactics in matrix order, objects by STIX id, revoked-by targets. */
function indexBundle(bundle) {
  const byStixId = new Map(bundle.objects.map(object => [object.id, object]))
  const revokedBy = new Map()
  for (const object of bundle.objects) {
    if (object.type !== 'relationship' || object.relationship_type !== 'revoked-by') continue
    const targets = revokedBy.get(object.source_ref) ?? []
    targets.push(object.target_ref)
    revokedBy.set(object.source_ref, targets)
  }
  return { objects: bundle.objects, byStixId, revokedBy, tactics: readTactics(bundle, byStixId) }
}

/** Read the tactics in kill-chain order, taken from the Enterprise matrix's tactic_refs. */
function readTactics(bundle, byStixId) {
  const matrix = bundle.objects.find(
    object => object.type === 'x-mitre-matrix' && attackId(object) === 'enterprise-attack',
  )
  if (!matrix) fail('The bundle has no Enterprise x-mitre-matrix object.')
  const tactics = {}
  matrix.tactic_refs.forEach((ref, index) => {
    const tactic = byStixId.get(ref)
    if (!tactic) fail(`The matrix names tactic '${ref}', which is not in the bundle.`)
    tactics[tactic.x_mitre_shortname] = {
      id: attackId(tactic),
      name: tactic.name,
      order: index + 1,
    }
  })
  return tactics
}

function isLive(object) {
  return object.revoked !== true && object.x_mitre_deprecated !== true
}

/** Return the tactic shortnames of a technique, in kill-chain order. */
function techniqueTactics(object, tactics) {
  const names = (object.kill_chain_phases ?? [])
    .filter(phase => phase.kill_chain_name === killChainName)
    .map(phase => phase.phase_name)
  const order = name => tactics[name]?.order ?? Number.MAX_SAFE_INTEGER
  return [...new Set(names)].sort((a, b) => order(a) - order(b) || a.localeCompare(b))
}

/** Return the sorted ATT&CK ids that a revoked object is revoked by. */
function replacementIds(object, index) {
  if (object.revoked !== true) return undefined
  const ids = (index.revokedBy.get(object.id) ?? [])
    .map(ref => index.byStixId.get(ref))
    .map(target => (target ? attackId(target) : undefined))
    .filter(id => id !== undefined)
  return ids.length > 0 ? [...new Set(ids)].sort() : undefined
}

/** Build one catalog entry: name plus the optional revokedBy and deprecated fields. */
function baseEntry(object, index) {
  const entry = { name: object.name }
  const revokedBy = replacementIds(object, index)
  if (object.revoked === true) entry.revoked = true
  if (revokedBy) entry.revokedBy = revokedBy
  if (object.x_mitre_deprecated === true) entry.deprecated = true
  return entry
}

/**
 * Collect the objects of some STIX types by ATT&CK id. When two objects share
 * an id, the live one wins, because MITRE keeps revoked copies of renamed ids.
 */
function collect(index, types) {
  const found = new Map()
  for (const object of index.objects) {
    if (!types.includes(object.type)) continue
    const id = attackId(object)
    if (id === undefined) continue
    const known = found.get(id)
    if (known && isLive(known)) continue
    found.set(id, object)
  }
  return found
}

function sameList(a, b) {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

function buildTechniques(current, previous) {
  const previousTechniques = collect(previous, ['attack-pattern'])
  const techniques = {}
  for (const [id, object] of collect(current, ['attack-pattern'])) {
    const entry = baseEntry(object, current)
    entry.tactics = techniqueTactics(object, current.tactics)
    if (object.x_mitre_is_subtechnique === true) entry.subtechnique = true
    const old = previousTechniques.get(id)
    if (old) {
      const oldTactics = techniqueTactics(old, previous.tactics)
      if (!sameList(oldTactics, entry.tactics)) entry.previousTactics = oldTactics
      if (old.name !== object.name) entry.previousName = old.name
    }
    techniques[id] = entry
  }
  return techniques
}

function buildNamed(index, types) {
  const entries = {}
  for (const [id, object] of collect(index, types)) entries[id] = baseEntry(object, index)
  return entries
}

/** Sort object keys recursively, so the output does not depend on bundle order. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const sorted = {}
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key])
  return sorted
}

/**
 * Serialise the catalog with one map entry per line: compact, yet a new
 * ATT&CK release shows up in a diff as one line per changed entry.
 */
function formatCatalog(catalog) {
  const sections = Object.entries(sortKeys(catalog)).map(([key, value]) => {
    const isMap = value && typeof value === 'object' && !Array.isArray(value)
    if (!isMap || key === 'versions') return `${JSON.stringify(key)}:${JSON.stringify(value)}`
    const lines = Object.entries(value).map(
      ([entryKey, entry]) => `${JSON.stringify(entryKey)}:${JSON.stringify(entry)}`,
    )
    return `${JSON.stringify(key)}:{\n${lines.join(',\n')}\n}`
  })
  return `{\n${sections.join(',\n')}\n}\n`
}

function main() {
  const options = parseArguments(process.argv.slice(2))
  const currentFile = options.stix ?? findBundle(options.dir, currentVersion)
  const previousFile = findBundle(options.dir, previousVersion)
  const currentBundle = readBundle(currentFile)
  const current = indexBundle(currentBundle)
  const previous = indexBundle(readBundle(previousFile))
  const version = options.stix
    ? bundleVersion(currentBundle, currentFile, options.stixVersion)
    : currentVersion

  const catalog = {
    versions: { current: version, previous: previousVersion },
    tactics: current.tactics,
    previousTactics: previous.tactics,
    techniques: buildTechniques(current, previous),
    groups: buildNamed(current, ['intrusion-set']),
    software: buildNamed(current, ['malware', 'tool']),
    campaigns: buildNamed(current, ['campaign']),
  }
  const text = formatCatalog(catalog)
  writeFileSync(options.out, text)

  const count = key => Object.keys(catalog[key]).length
  console.log(
    `Wrote '${path.relative(process.cwd(), options.out)}' (${Buffer.byteLength(text)} bytes): ` +
      `ATT&CK ${version} (previous ${previousVersion}), ${count('tactics')} tactics, ` +
      `${count('techniques')} techniques, ${count('groups')} groups, ` +
      `${count('software')} software, ${count('campaigns')} campaigns.`,
  )
}

main()
