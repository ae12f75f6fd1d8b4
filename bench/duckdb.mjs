// DuckDB side of bench/parquet-read.sh: generates the Kestrel-like table and times DuckDB's
// own single-threaded full decode of a file.
//   node bench/duckdb.mjs gen OUT.parquet ROWS CODEC
//   node bench/duckdb.mjs read FILE REPEAT      -> best wall and CPU time in ms
import { DuckDBInstance } from '@duckdb/node-api';

const [, , mode, file, arg, codec] = process.argv;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run('SET threads=1');

if (mode === 'gen') {
  const rows = Number(arg);
  await con.run(`COPY (SELECT
      'network-traffic--' || md5(i::VARCHAR) AS id,
      'network-traffic' AS type,
      (hash(i) % 256)::VARCHAR || '.' || (hash(i + 1) % 256)::VARCHAR || '.' ||
        (hash(i + 2) % 256)::VARCHAR || '.' || (hash(i + 3) % 256)::VARCHAR AS src_ref_value,
      '10.' || (i % 256)::VARCHAR || '.' || ((i // 256) % 256)::VARCHAR || '.' ||
        (hash(i) % 200)::VARCHAR AS dst_ref_value,
      (['["tcp"]', '["tcp", "http"]', '["udp", "dns"]', '["tcp", "ssl"]'])[1 + (hash(i) % 4)::INT]
        AS protocols,
      (hash(i * 7) % 65536)::BIGINT AS src_port,
      CASE WHEN hash(i * 3) % 10 = 0 THEN NULL ELSE (hash(i * 5) % 10000000000)::BIGINT END
        AS dst_byte_count,
      CASE WHEN hash(i * 11) % 5 = 0 THEN NULL ELSE (hash(i * 13) % 1000000)::DOUBLE / 1000 END
        AS duration
    FROM range(${rows}) t(i))
    TO '${file}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000000)`);
} else if (mode === 'read') {
  // Aggregates over every column force DuckDB to decode every value of every column.
  const q = `SELECT count(*), min(id), max(id), min(type), max(src_ref_value), min(dst_ref_value),
      max(protocols), sum(src_port), sum(dst_byte_count), sum(duration)
      FROM read_parquet('${file}')`;
  let best = Infinity, bestCpu = Infinity;
  for (let i = 0; i < Number(arg); i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await con.runAndReadAll(q);
    const c = process.cpuUsage(c0);
    best = Math.min(best, performance.now() - t0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  console.log(`ms=${best.toFixed(1)} cpu_ms=${bestCpu.toFixed(1)}`);
}
