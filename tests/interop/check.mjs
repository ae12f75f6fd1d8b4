// Compares what pyarrow (pyarrow/dump.py) and DuckDB (duckdb_dump.mjs) read from the files
// gen_files.c and `kanalytic convert` wrote with the values those inputs hold. The expected
// values below are derived by hand from the inputs (gen_files.c, the CSV in
// test_interop.sh), never from kanalytic's own reader.
// Usage: node check.mjs pyarrow.jsonl duckdb.jsonl   (exit 1 and a list of differences)
import { readFileSync } from 'node:fs';

const [pyPath, duckPath] = process.argv.slice(2);
const load = (p) => Object.fromEntries(readFileSync(p, 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l)).map((r) => [r.file, r]));
const py = load(pyPath), duck = load(duckPath);
let failures = 0;
const fail = (msg) => { failures++; console.error(`  FAIL: ${msg}`); };

// One canonical form for both readers: numbers and numeric strings as strings, lists
// element-wise (DuckDB prints BIGINT as strings, pyarrow as numbers).
const norm = (v) => v === null || v === undefined ? null
  : Array.isArray(v) ? v.map(norm) : typeof v === 'number' ? String(v) : v;
const same = (a, b) => JSON.stringify(norm(a)) === JSON.stringify(norm(b));

// ---- the "types" table of gen_files.c: name, pyarrow type, DuckDB type, 4 values ----
const E = 86400000000n;
const types = [
  ['s', 'string', 'VARCHAR', ['a', null, 'héllo', '']],
  ['i64', 'int64', 'BIGINT', [1, -2, null, '9223372036854775807']],
  ['i32', 'int32', 'INTEGER', [1, null, -2147483648, 7]],
  ['i8', 'int8', 'TINYINT', [-128, 127, null, 0]],
  ['i16', 'int16', 'SMALLINT', [-32768, 32767, 1, null]],
  ['u8', 'uint8', 'UTINYINT', [255, 0, null, 1]],
  ['u32', 'uint32', 'UINTEGER', [4294967295, 0, 5, null]],
  ['u64', 'uint64', 'UBIGINT', ['18446744073709551615', null, 0, 42]],
  ['f32', 'float', 'FLOAT', [1.5, -0.25, null, 3]],
  ['f64', 'double', 'DOUBLE', [0.1, null, -1e300, 2.5]],
  ['b', 'bool', 'BOOLEAN', [true, false, null, true]],
  ['d', 'date32[day]', 'DATE', ['1970-01-01', '2022-01-08', null, '1969-12-31']],
  // TIMESTAMP(MILLIS): pyarrow keeps ms; DuckDB reads microseconds
  ['ts_ms', 'timestamp[ms]', 'TIMESTAMP', [0, 1700000000123, null, -1],
    (v) => v === null ? null : String(BigInt(v) * 1000n)],
  ['ts_us_utc', 'timestamp[us, tz=UTC]', 'TIMESTAMP WITH TIME ZONE',
    [1700000000123456, null, 0, String(E)]],
  ['ts_ns', 'timestamp[ns]', 'TIMESTAMP_NS', ['1700000000123456789', 1, null, -1000000000]],
  // INT96 (nanoseconds): DuckDB reads microseconds, rounding down
  ['int96', 'timestamp[ns]', 'TIMESTAMP', ['1700000000123456789', null, -86400000000001, 0],
    (v) => v === null ? null : String(BigInt.asIntN(64, (BigInt(v) - ((BigInt(v) % 1000n + 1000n) % 1000n)) / 1000n))],
  ['dec32', 'decimal128(9, 2)', 'DECIMAL(9,2)', ['123.45', '-0.05', null, '0.00']],
  ['dec64', 'decimal128(18, 4)', 'DECIMAL(18,4)', ['-63051.8078', null, '0.0001', '99999999999999.9999']],
  ['decflba', 'decimal128(20, 3)', 'DECIMAL(20,3)', ['1234.567', '-0.001', null, '0.000']],
  ['bin', 'binary', 'BLOB', ['AAH/', null, '', 'YWJj']],
  ['flba', 'fixed_size_binary[4]', 'BLOB', ['YWJjZA==', 'AAAAAA==', 'd3h5eg==', null]],
  // Arrow's null type (Parquet UNKNOWN over INT32, as pyarrow writes it)
  ['nul', 'null', 'INTEGER', [null, null, null, null]],
  ['req', 'int64 not null', 'BIGINT', [10, 20, 30, 40]],
];

const lists = [
  ['li', 'list<element: int64>', 'BIGINT[]', [[1, 2], null, [], [null, 3]]],
  ['ls', 'list<element: string>', 'VARCHAR[]', [['a'], ['b', null], null, []]],
  ['ld', 'list<element: double not null> not null', 'DOUBLE[]', [[0.5], [], [-1, 2, 3], [4]]],
  ['lb', 'list<element: bool>', 'BOOLEAN[]', [[true, false], [null], [], null]],
];

// `kanalytic convert` of the CSV in test_interop.sh with --schema, and inferred
const convSchema = [
  ['ts', 'timestamp[ms, tz=UTC]', 'TIMESTAMP WITH TIME ZONE', [1672527600500, 0, null],
    (v) => v === null ? null : String(BigInt(v) * 1000n)],
  ['port', 'int32', 'INTEGER', [80, 443, null]],
  ['tags', 'list<element: string>', 'VARCHAR[]', [['a', null], [], null]],
  ['day', 'date32[day]', 'DATE', ['2024-02-29', null, '1969-12-31']],
  ['ratio', 'float', 'FLOAT', [0.5, null, -2]],
  ['name', 'string', 'VARCHAR', ['x, "y"', '', null]],
];
const convInfer = [
  ['ts', 'string', 'VARCHAR', ['2023-01-01T00:00:00.5+01:00', '1970-01-01', null]],
  ['port', 'int64', 'BIGINT', [80, 443, null]],
  ['tags', 'string', 'VARCHAR', ['["a",null]', '[]', null]],
  ['day', 'string', 'VARCHAR', ['2024-02-29', null, '1969-12-31']],
  ['ratio', 'double', 'DOUBLE', [0.5, null, -2]],
  ['name', 'string', 'VARCHAR', ['x, "y"', '', null]],
];

function checkRows(reader, got, cols, file) {
  if (!got) return fail(`${reader} did not read ${file}`);
  const n = cols[0][3].length;
  if (got.num_rows !== n) fail(`${reader} ${file}: ${got.num_rows} rows, expected ${n}`);
  const names = Object.keys(got.schema);
  if (JSON.stringify(names) !== JSON.stringify(cols.map((c) => c[0])))
    fail(`${reader} ${file}: columns ${names}`);
  for (const [name, pyType, duckType, values, duckMap] of cols) {
    const want = reader === 'pyarrow' ? pyType : duckType;
    if (got.schema[name] !== want) fail(`${reader} ${file}: ${name} is ${got.schema[name]}, expected ${want}`);
    for (let r = 0; r < n; r++) {
      const w = reader === 'duckdb' && duckMap ? duckMap(values[r]) : values[r];
      const g = got.rows?.[r]?.[name];
      if (!same(g, w)) fail(`${reader} ${file}: ${name}[${r}] = ${JSON.stringify(g)}, expected ${JSON.stringify(w)}`);
    }
  }
}

function checkMeta(reader, got, file, rowGroups, codec) {
  if (!got) return;
  if (got.meta?.row_groups !== rowGroups) fail(`${reader} ${file}: ${got.meta.row_groups} row groups, expected ${rowGroups}`);
  if (got.meta?.codec !== codec) fail(`${reader} ${file}: codec ${got.meta.codec}, expected ${codec}`);
}

const files = [
  ['types_snappy_dict.parquet', types, 1, 'SNAPPY'],
  ['types_none_plain.parquet', types, 1, 'UNCOMPRESSED'],
  ['types_gzip_rg1.parquet', types, 4, 'GZIP'],
  ['types_zstd_plain.parquet', types, 2, 'ZSTD'],
  ['lists_snappy.parquet', lists, 1, 'SNAPPY'],
  ['lists_gzip_rg2.parquet', lists, 2, 'GZIP'],
  ['conv_schema.parquet', convSchema, 1, 'SNAPPY'],
  ['conv_infer.parquet.gz', convInfer, 1, 'GZIP'],
];
for (const [file, cols, rg, codec] of files) {
  for (const [reader, res] of [['pyarrow', py], ['duckdb', duck]]) {
    checkRows(reader, res[file], cols, file);
    checkMeta(reader, res[file], file, rg, codec);
  }
}

// ---- the big files: summaries computed here from gen_files.c's formulas ----
const BIG = 250000;
const sum = { i: 0n, f: 0 }, cnt = { i: 0 }, sset = new Set();
let imin = null, imax = null, smin = null, smax = null;
for (let r = 0; r < BIG; r++) {
  if (r % 13 !== 0) {
    const i = r * 7 - 3;
    cnt.i++; sum.i += BigInt(i);
    imin = imin === null || i < imin ? i : imin; imax = imax === null || i > imax ? i : imax;
  }
  const s = 'v' + String(r * 31 % 50021).padStart(39, '0');
  sset.add(s);
  smin = smin === null || s < smin ? s : smin; smax = smax === null || s > smax ? s : smax;
  sum.f += r / 4;
}
const bigWant = {
  i: { count: cnt.i, distinct: cnt.i, min: imin, max: imax, sum: String(sum.i) },
  s: { count: BIG, distinct: sset.size, min: smin, max: smax },
  k: { count: BIG, distinct: 5, min: 'k0', max: 'k4' },
  f: { count: BIG, distinct: BIG, min: 0, max: (BIG - 1) / 4, sum: sum.f },
};
const bigTypes = { pyarrow: { i: 'int64', s: 'string', k: 'string', f: 'double' },
  duckdb: { i: 'BIGINT', s: 'VARCHAR', k: 'VARCHAR', f: 'DOUBLE' } };
for (const [file, rg, codec] of [['big_snappy_rg.parquet', 3, 'SNAPPY'], ['big_zstd_plain.parquet', 1, 'ZSTD']]) {
  for (const [reader, res] of [['pyarrow', py], ['duckdb', duck]]) {
    const got = res[file];
    if (!got) { fail(`${reader} did not read ${file}`); continue; }
    checkMeta(reader, got, file, rg, codec);
    if (got.num_rows !== BIG) fail(`${reader} ${file}: ${got.num_rows} rows`);
    if (!same(got.schema, bigTypes[reader])) fail(`${reader} ${file}: schema ${JSON.stringify(got.schema)}`);
    for (const [col, want] of Object.entries(bigWant))
      for (const [k, v] of Object.entries(want))
        if (!same(got.summary[col][k], v))
          fail(`${reader} ${file}: ${k}(${col}) = ${JSON.stringify(got.summary[col][k])}, expected ${JSON.stringify(v)}`);
  }
}

// ---- encodings pyarrow sees: dictionary with PLAIN fallback for the 2 MB of distinct
// strings, dictionary only for the 5-value column, PLAIN only when dictionaries are off ----
const enc = (f, c) => JSON.stringify(py[f]?.meta.encodings[c]);
const expectEnc = (f, c, want) => enc(f, c) === JSON.stringify(want) ||
  fail(`pyarrow ${f}: encodings of ${c} ${enc(f, c)}, expected ${JSON.stringify(want)}`);
expectEnc('big_snappy_rg.parquet', 's', ['PLAIN', 'RLE', 'RLE_DICTIONARY']);
expectEnc('big_snappy_rg.parquet', 'k', ['PLAIN', 'RLE', 'RLE_DICTIONARY']);
expectEnc('big_zstd_plain.parquet', 's', ['PLAIN', 'RLE']);
expectEnc('types_snappy_dict.parquet', 'b', ['PLAIN', 'RLE']);

if (failures) {
  console.error(`check.mjs: ${failures} difference(s)`);
  process.exit(1);
}
console.log(`check.mjs: pyarrow and DuckDB read ${Object.keys(py).length} files as written`);
