#!/usr/bin/env node
// Side-by-side report for bench/dsl/compare: reads the Google Benchmark JSON of
// dsl_bench (BM_Eval/<name>) and the JSON of celjs_bench.mjs, prints a Markdown
// table with the speed-up of bssflow over cel-js and a final verdict line.
//
// usage: node report.mjs --cpp FILE --celjs FILE [--expressions FILE] [--target X]
// exit status: 0 every expression meets the target, 1 target missed, 2 usage/input error

import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const USAGE =
  'usage: node report.mjs --cpp GOOGLE_BENCHMARK_JSON --celjs CELJS_BENCH_JSON [--expressions FILE] [--target X]'

function fail(msg) {
  process.stderr.write(`report: ${msg}\n`)
  process.exit(2)
}

const opts = {expressions: join(HERE, '..', 'expressions.json'), target: 5}
{
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value\n${USAGE}`))
    if (a === '--cpp') opts.cpp = next()
    else if (a === '--celjs') opts.celjs = next()
    else if (a === '--expressions') opts.expressions = next()
    else if (a === '--target') opts.target = Number(next())
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n')
      process.exit(0)
    } else fail(`unknown argument '${a}'\n${USAGE}`)
  }
  if (!opts.cpp || !opts.celjs) fail(USAGE)
  if (!(opts.target > 0)) fail('--target must be a positive number')
}

function readJson(file, what) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    fail(`cannot read ${what} ${file}: ${e.message}`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    fail(`${what} ${file} is not valid JSON: ${e.message}`)
  }
}

const spec = readJson(opts.expressions, 'expression file')
const cpp = readJson(opts.cpp, 'Google Benchmark JSON')
const celjs = readJson(opts.celjs, 'cel-js JSON')
if (!Array.isArray(spec.expressions)) fail(`${opts.expressions}: no "expressions" array`)
if (!Array.isArray(cpp.benchmarks)) fail(`${opts.cpp}: no "benchmarks" array (not Google Benchmark JSON?)`)
if (!Array.isArray(celjs.results)) fail(`${opts.celjs}: no "results" array`)

// --- bssflow: median real_time per expression, in ns --------------------------------

const UNIT_NS = {ns: 1, us: 1e3, ms: 1e6, s: 1e9}
const PREFIX = 'BM_Eval/'

// "BM_Eval/<name>[/<suffix such as real_time or min_time:...>]" -> <name>
function exprName(b) {
  const runName = b.run_name ?? b.name
  if (typeof runName !== 'string' || !runName.startsWith(PREFIX)) return null
  return runName.slice(PREFIX.length).split('/')[0]
}

function toNs(b) {
  const f = UNIT_NS[b.time_unit ?? 'ns']
  if (f === undefined) fail(`${opts.cpp}: unknown time_unit '${b.time_unit}' in ${b.name}`)
  return b.real_time * f
}

const medianOf = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const cppMedian = new Map() // name -> ns
const cppError = new Map() // name -> message
{
  const iterations = new Map() // fallback without aggregates (--benchmark_repetitions=1)
  for (const b of cpp.benchmarks) {
    const name = exprName(b)
    if (name === null) continue
    if (b.error_occurred) {
      cppError.set(name, b.error_message || 'error')
      continue
    }
    if (b.run_type === 'aggregate') {
      if (b.aggregate_name === 'median') cppMedian.set(name, toNs(b))
    } else {
      if (!iterations.has(name)) iterations.set(name, [])
      iterations.get(name).push(toNs(b))
    }
  }
  for (const [name, xs] of iterations) if (!cppMedian.has(name)) cppMedian.set(name, medianOf(xs))
}

// --- cel-js ----------------------------------------------------------------------

const jsResult = new Map(celjs.results.map((r) => [r.name, r]))

// --- table -----------------------------------------------------------------------

const fmtNs = (ns) => ns.toFixed(1)
const fmtRatio = (r, ok) => {
  let s = r.toFixed(1)
  // Do not print "5.0x" for a ratio that misses a 5x target by a hair.
  if (!ok && Number(s) >= opts.target) s = r.toFixed(3)
  return `${s}x`
}
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')

const rows = []
const missed = [] // "name (reason)"
const notComparable = []
let met = 0

for (const {name} of spec.expressions) {
  const js = jsResult.get(name)
  const cppNs = cppMedian.get(name)
  let cppCell, jsCell, ratioCell

  if (cppNs !== undefined) cppCell = fmtNs(cppNs)
  else if (cppError.has(name)) cppCell = `error: ${cppError.get(name)}`
  else cppCell = 'missing'

  if (!js) jsCell = 'missing'
  else if (js.error) jsCell = `error: ${js.error}`
  else jsCell = fmtNs(js.eval_ns_median)

  const jsNs = js && !js.error ? js.eval_ns_median : undefined
  if (cppNs === undefined) {
    ratioCell = 'n/a'
    missed.push(`${name} (no bssflow result)`)
  } else if (jsNs === undefined) {
    ratioCell = 'n/a'
    notComparable.push(`${name} (cel-js ${js ? 'cannot evaluate it' : 'result missing'})`)
  } else {
    const ratio = jsNs / cppNs
    const ok = ratio >= opts.target
    ratioCell = fmtRatio(ratio, ok)
    if (ok) met++
    else missed.push(`${name} (${ratioCell})`)
  }
  rows.push([name, cppCell, jsCell, ratioCell])
}

const ctx = cpp.context ?? {}
const reps = celjs.settings?.repetitions
process.stdout.write(
  `bssflow: ${PREFIX}* real_time median` +
    (ctx.host_name ? ` on ${ctx.host_name}` : '') +
    ` | cel-js: ${celjs.implementation ?? '?'} ${celjs.version ?? '?'} on node ${celjs.node ?? '?'}` +
    (reps ? `, median of ${reps} repetitions` : '') +
    '\n\n'
)
const header = ['expression', 'bssflow median ns', 'cel-js median ns', 'speed-up (cel-js / bssflow)']
process.stdout.write(`| ${header.join(' | ')} |\n`)
process.stdout.write(`|${header.map((_, i) => (i === 0 ? ':---' : '---:')).map((s) => `${s}|`).join('')}\n`)
for (const r of rows) process.stdout.write(`| ${r.map(cell).join(' | ')} |\n`)
process.stdout.write('\n')

const target = `${opts.target}x`
const total = spec.expressions.length
const note = notComparable.length ? `; not comparable: ${notComparable.join(', ')}` : ''
if (missed.length === 0 && met > 0) {
  process.stdout.write(
    `Target >= ${target} (cel-js / bssflow): MET for ${met === total ? `every expression (${met} of ${total})` : `${met} of ${total} expressions`}${note}.\n`
  )
  process.exit(0)
}
process.stdout.write(
  `Target >= ${target} (cel-js / bssflow): MISSED for ${missed.length || total} of ${total} expressions: ${
    missed.length ? missed.join(', ') : 'no comparable result'
  }${note}.\n`
)
process.exit(1)
