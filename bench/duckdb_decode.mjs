// Decodes every column of every Parquet file given with DuckDB on one thread and prints the
// seconds it took: bench/diff.sh's baseline ("merely decoding both files").
import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const t0 = process.hrtime.bigint();
for (const path of process.argv.slice(2)) {
  const src = `read_parquet(${lit(path)})`;
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  // a hash of every column of every row: nothing can be skipped or answered from statistics
  const cols = desc.map((d) => `"${d.column_name.replaceAll('"', '""')}"`).join(', ');
  await con.runAndReadAll(`SELECT bit_xor(hash(${cols})) FROM ${src}`);
}
const t1 = process.hrtime.bigint();
console.log((Number(t1 - t0) / 1e9).toFixed(4));
