#!/usr/bin/env node
// Benchmark of @marcbachmann/cel-js on the expression set in ../expressions.json,
// the same set the C++ benchmark (bench/dsl_bench) evaluates. Prints JSON to stdout;
// bench/dsl/compare puts it next to the C++ numbers.
//
// For each expression:
//   1. build the data (inline "data" or a named "data_generator");
//   2. compile ONCE: env.parse(expr) followed by .check() (parse + type check; the
//      type-checked AST is cached on the parse result, so evaluations skip checking);
//   3. check that cel-js gives the same result as a plain-JS reference computation;
//   4. time evaluation: warm up, then R repetitions of a timed loop of N iterations
//      (N calibrated so that one repetition takes about --min-time seconds); the
//      reported figure is the median of the per-repetition ns/evaluation;
//   5. time parse + check the same way.
//
// Exit status: 0 on success (expressions cel-js cannot handle are reported with an
// "error" field), 1 if a result differs from the reference, 2 on usage errors.

import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Environment, parse as dynParse} from '@marcbachmann/cel-js'

const HERE = dirname(fileURLToPath(import.meta.url))
const IMPL = '@marcbachmann/cel-js'

const USAGE = `usage: node celjs_bench.mjs [options]

Times ${IMPL} on the expressions of ../expressions.json (relative to this
script) and prints JSON to stdout.

options:
  --repetitions N   timed repetitions per expression; the median is reported (default 5)
  --min-time S      target duration of one repetition in seconds (default 0.3)
  --filter REGEX    only expressions whose name matches REGEX
  --dyn             use the global parse() (all variables dyn) instead of an
                    Environment with variable types declared from the data
  --expressions F   expression file (default: ../expressions.json next to this script)
  -h, --help        this text

exit status: 0 ok, 1 a result differs from the plain-JS reference, 2 usage error`

function usageError(msg) {
  process.stderr.write(`celjs_bench: ${msg}\n\n${USAGE}\n`)
  process.exit(2)
}

function parseArgs(argv) {
  const opts = {
    repetitions: 5,
    minTime: 0.3,
    filter: null,
    dyn: false,
    expressions: join(HERE, '..', 'expressions.json')
  }
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    let value
    const eq = arg.indexOf('=')
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    const next = () => {
      if (value !== undefined) return value
      if (i + 1 >= argv.length) usageError(`${arg} needs a value`)
      return argv[++i]
    }
    switch (arg) {
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n')
        process.exit(0)
      case '--repetitions': {
        const v = next()
        if (!/^[1-9][0-9]*$/.test(v)) usageError(`--repetitions must be a positive integer, got '${v}'`)
        opts.repetitions = Number(v)
        break
      }
      case '--min-time': {
        const v = next()
        const n = Number(v)
        if (!(n > 0) || !Number.isFinite(n)) usageError(`--min-time must be a positive number, got '${v}'`)
        opts.minTime = n
        break
      }
      case '--filter': {
        const v = next()
        try {
          opts.filter = new RegExp(v)
        } catch (e) {
          usageError(`--filter: ${e.message}`)
        }
        break
      }
      case '--dyn':
        if (value !== undefined) usageError('--dyn takes no value')
        opts.dyn = true
        break
      case '--expressions':
        opts.expressions = next()
        break
      default:
        usageError(`unknown argument '${argv[i]}'`)
    }
  }
  return opts
}

// ---------------------------------------------------------------------------
// Data

// Generators named by "data_generator" in expressions.json; keep in sync with the
// description under "generators" there and with the C++ benchmark.
const GENERATORS = {
  // items: a list of 100 maps {sku: "SKU-<i>", quantity: <i>} for i in 0..99, except
  // that element 99 is {sku: "MS-365-E5", quantity: 25}, so exists() walks the whole list.
  items_100() {
    const items = []
    for (let i = 0; i < 100; i++) items.push({sku: `SKU-${i}`, quantity: i})
    items[99] = {sku: 'MS-365-E5', quantity: 25}
    return {items}
  }
}

// JSON -> CEL values for cel-js: cel-js represents CEL int as BigInt and CEL double as
// a JS number. JSON.parse does not distinguish 90 from 90.0, so integral numbers become
// ints (BigInt) and everything else a double; the C++ benchmark must read the file the
// same way. (In the current set every number is meant as an int: value, adults,
// quantity, parent.)
function toCel(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v
  if (Array.isArray(v)) return v.map(toCel)
  if (v !== null && typeof v === 'object') {
    const out = {}
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x)
    return out
  }
  return v
}

// CEL type of a (converted) value, for Environment.registerVariable. Heterogeneous
// maps/lists get dyn values, as a CEL declaration for such JSON-like data would.
function celType(v) {
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'bigint':
      return 'int'
    case 'number':
      return 'double'
    case 'boolean':
      return 'bool'
  }
  if (v === null) return 'dyn'
  const common = (types) =>
    types.length > 0 && types.every((t) => t === types[0]) && types[0] !== 'dyn' ? types[0] : 'dyn'
  if (Array.isArray(v)) return `list<${common(v.map(celType))}>`
  return `map<string, ${common(Object.values(v).map(celType))}>`
}

// ---------------------------------------------------------------------------
// Plain-JS references. Each entry repeats the CEL text it implements, so that an
// edit of expressions.json without an edit here is caught instead of silently
// comparing against a stale reference. They run on the raw JSON data (plain numbers).

const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/
const PHONE_RE = /^\+?[0-9 ()./-]{7,20}$/
const POSTAL_RE = /^[0-9]{5}$/
const celSize = (s) => [...s].length // CEL size(string) counts code points

const REFERENCES = {
  four_term_boolean: {
    expr: '(origin == "MOW" || country == "RU") && (value >= 100 || adults == 1)',
    fn: (d) => (d.origin === 'MOW' || d.country === 'RU') && (d.value >= 100 || d.adults === 1)
  },
  starts_with_concat: {
    expr: 'name.startsWith("/groups/" + group)',
    fn: (d) => d.name.startsWith('/groups/' + d.group)
  },
  email_matches: {
    expr: 'email.matches("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}$")',
    fn: (d) => EMAIL_RE.test(d.email)
  },
  exists_100: {
    expr: 'items.exists(i, i.sku == "MS-365-E5" && i.quantity > 10)',
    fn: (d) => d.items.some((i) => i.sku === 'MS-365-E5' && i.quantity > 10)
  },
  seed_prerequisites: {
    expr:
      'account.phone.matches("^\\\\+?[0-9 ()./-]{7,20}$") && ' +
      'account.email.matches("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}$") && ' +
      '(size(account.address.line1) > 0 ? account.address.postal_code.matches("^[0-9]{5}$") : ' +
      'has(account.parent) && reseller.address.postal_code.matches("^[0-9]{5}$"))',
    fn: (d) =>
      PHONE_RE.test(d.account.phone) &&
      EMAIL_RE.test(d.account.email) &&
      (celSize(d.account.address.line1) > 0
        ? POSTAL_RE.test(d.account.address.postal_code)
        : Object.hasOwn(d.account, 'parent') && POSTAL_RE.test(d.reseller.address.postal_code))
  }
}

// ---------------------------------------------------------------------------
// Timing

const now = process.hrtime.bigint

// Runs body(n) (which must perform n operations) and returns elapsed nanoseconds.
function timed(body, n) {
  const t0 = now()
  body(n)
  return Number(now() - t0)
}

// Picks n so that body(n) takes about minTime seconds, warms up, then measures
// `repetitions` times. Returns {iterations, reps: [ns per op, ...], median}.
function measure(body, {minTime, repetitions}) {
  const target = minTime * 1e9
  let n = 1
  for (;;) {
    const t = timed(body, n)
    if (t >= target / 10 || n >= 1e9) {
      n = Math.max(1, Math.ceil((n * target) / Math.max(t, 1)))
      break
    }
    n *= t < target / 1000 ? 10 : 2
  }
  timed(body, n) // warm-up at full length (lets the JIT settle on the final loop)
  const reps = []
  for (let r = 0; r < repetitions; r++) reps.push(timed(body, n) / n)
  return {iterations: n, reps, median: median(reps)}
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const round = (x) => Math.round(x * 100) / 100

// ---------------------------------------------------------------------------

function celjsVersion() {
  // The package's "exports" does not expose package.json; find it next to the entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve(IMPL)))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      if (pkg.name === IMPL) return pkg.version
    } catch {}
    const up = dirname(dir)
    if (up === dir) return 'unknown'
    dir = up
  }
}

const errorText = (e) => String(e?.message ?? e).split('\n')[0]

// Returns compile(expr) -> callable evaluate(ctx): the type-checked parse result.
// Default: an Environment (created once per expression, outside the timed code) with
// each context variable declared with the CEL type of its data. --dyn: the global
// parse(), where every variable is dyn. Either way .check() runs at compile time, so
// that evaluations reuse the checked AST instead of type-checking on first call.
function makeCompiler(data, dyn) {
  if (dyn) {
    return (expr) => {
      const p = dynParse(expr)
      const c = p.check()
      if (!c.valid) throw c.error
      return p
    }
  }
  const env = new Environment()
  for (const [name, value] of Object.entries(data)) env.registerVariable(name, celType(value))
  return (expr) => {
    const p = env.parse(expr)
    const c = p.check()
    if (!c.valid) throw c.error
    return p
  }
}

function benchOne(spec, opts) {
  const {name, expr} = spec
  const result = {name, expr}

  let raw
  if (spec.data_generator !== undefined) {
    const gen = GENERATORS[spec.data_generator]
    if (!gen) return {...result, error: `unknown data_generator '${spec.data_generator}'`}
    raw = gen()
  } else if (spec.data !== undefined) {
    raw = spec.data
  } else {
    return {...result, error: 'neither "data" nor "data_generator" given'}
  }
  const data = toCel(raw)

  const ref = REFERENCES[name]
  if (!ref) throw new Mismatch(name, `no plain-JS reference for '${name}' in celjs_bench.mjs`)
  if (ref.expr !== expr) {
    throw new Mismatch(
      name,
      `the plain-JS reference for '${name}' implements\n    ${ref.expr}\n  but expressions.json has\n    ${expr}\n  update REFERENCES in celjs_bench.mjs`
    )
  }
  const expected = ref.fn(raw)
  if (expected !== true) {
    throw new Mismatch(name, `the plain-JS reference gives ${expected}, but every expression of the set must be true`)
  }

  let compile, program, actual
  try {
    compile = makeCompiler(data, opts.dyn)
    program = compile(expr)
  } catch (e) {
    return {...result, error: `compile: ${errorText(e)}`}
  }
  try {
    actual = program(data)
  } catch (e) {
    return {...result, error: `evaluate: ${errorText(e)}`}
  }
  if (actual instanceof Promise) return {...result, error: 'evaluate: returned a Promise'}
  if (actual !== expected) {
    throw new Mismatch(name, `cel-js returned ${String(actual)} (${typeof actual}), the reference ${expected}`)
  }

  const evalStats = measure((n) => {
    let hits = 0
    for (let i = 0; i < n; i++) if (program(data) === true) hits++
    if (hits !== n) throw new Mismatch(name, `result changed during the timed loop (${hits}/${n} true)`)
  }, opts)

  const compileStats = measure((n) => {
    let nodes = 0
    for (let i = 0; i < n; i++) if (compile(expr).ast) nodes++
    if (nodes !== n) throw new Error('compile produced no AST')
  }, opts)

  return {
    ...result,
    variables: opts.dyn ? 'dyn' : Object.fromEntries(Object.entries(data).map(([k, v]) => [k, celType(v)])),
    eval_ns_median: round(evalStats.median),
    eval_ns_reps: evalStats.reps.map(round),
    eval_iterations: evalStats.iterations,
    compile_ns_median: round(compileStats.median),
    compile_ns_reps: compileStats.reps.map(round),
    compile_iterations: compileStats.iterations
  }
}

class Mismatch extends Error {
  constructor(name, message) {
    super(`${name}: ${message}`)
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2))
  let spec
  try {
    spec = JSON.parse(readFileSync(opts.expressions, 'utf8'))
  } catch (e) {
    usageError(`cannot read ${opts.expressions}: ${e.message}`)
  }
  if (!Array.isArray(spec.expressions)) usageError(`${opts.expressions}: no "expressions" array`)

  const selected = spec.expressions.filter((e) => !opts.filter || opts.filter.test(e.name))
  if (selected.length === 0) usageError('no expression selected')

  const results = []
  for (const e of selected) {
    process.stderr.write(`celjs_bench: ${e.name} ...`)
    let r
    try {
      r = benchOne(e, opts)
    } catch (err) {
      if (!(err instanceof Mismatch)) throw err
      process.stderr.write(`\nceljs_bench: FAIL ${err.message}\n`)
      process.exit(1)
    }
    process.stderr.write(r.error ? ` error: ${r.error}\n` : ` ${r.eval_ns_median} ns/eval, ${r.compile_ns_median} ns/compile\n`)
    results.push(r)
  }

  const out = {
    implementation: IMPL,
    version: celjsVersion(),
    node: process.version,
    api: opts.dyn
      ? 'parse(expr) (global, variables dyn) + .check(), then evaluate(ctx)'
      : 'new Environment().registerVariable(...); env.parse(expr) + .check(), then evaluate(ctx)',
    settings: {repetitions: opts.repetitions, min_time_s: opts.minTime, statistic: 'median', clock: 'process.hrtime (wall)'},
    results
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n')
}

main()
