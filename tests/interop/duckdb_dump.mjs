// Prints what DuckDB reads from each Parquet file given, in the shape of pyarrow/dump.py:
// {"file", "num_rows", "meta": {"row_groups", "codec"}, "schema": {name: DuckDB type},
//  "rows": [...]} (timestamps as integers since the epoch in DuckDB's unit, blobs base64),
// or "summary" instead of rows for files over 1000 rows.
import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const id = (s) => `"${s.replaceAll('"', '""')}"`;

function plain(name, type) {
  const c = id(name);
  if (type === 'TIMESTAMP_MS') return `epoch_ms(${c})`;
  if (type === 'TIMESTAMP_NS') return `epoch_ns(${c})`;
  if (type === 'TIMESTAMP_S') return `epoch(${c})`;
  if (type.startsWith('TIMESTAMP')) return `epoch_us(${c})`;
  if (type === 'BLOB') return `to_base64(${c})`;
  return c;
}

for (const path of process.argv.slice(2)) {
  const src = `read_parquet(${lit(path)})`;
  const desc = await q(`DESCRIBE SELECT * FROM ${src}`);
  const schema = Object.fromEntries(desc.map((d) => [d.column_name, d.column_type]));
  const [{ n }] = await q(`SELECT count(*) AS n FROM ${src}`);
  const md = await q(`SELECT count(DISTINCT row_group_id) AS rg, min(compression) AS codec
                      FROM parquet_metadata(${lit(path)})`);
  const res = {
    file: path.split('/').pop(), num_rows: Number(n),
    meta: { row_groups: Number(md[0].rg), codec: md[0].codec }, schema,
  };
  if (Number(n) > 1000) {
    res.summary = {};
    for (const [name, type] of Object.entries(schema)) {
      const x = plain(name, type);
      const numeric = /INT|DOUBLE|FLOAT|DECIMAL/.test(type) && !type.endsWith('[]');
      const [s] = await q(`SELECT count(${x}) AS count, count(DISTINCT ${x}) AS distinct,
        min(${x}) AS min, max(${x}) AS max ${numeric ? `, sum(${x}) AS sum` : ''} FROM ${src}`);
      res.summary[name] = s;
    }
  } else {
    const cols = Object.entries(schema).map(([name, type]) => `${plain(name, type)} AS ${id(name)}`);
    res.rows = await q(`SELECT ${cols.join(', ')} FROM ${src}`);
  }
  console.log(JSON.stringify(res));
}
