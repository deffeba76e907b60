// Graphile Worker peer for `bench/run.sh queue`: add JOBS no-op jobs in one statement, then time a
// worker pool (concurrency 50) draining them, from the first job run to the last or to the end of
// the window. MODE "plain" is Graphile's default (one fetch and one completion per job); "local"
// adds the local queue of 500 and batched completions (completeJobBatchDelay 0).
// Usage: DATABASE_URL=postgres://... node drain.mjs plain|local JOBS SECONDS
import { Logger, run, runMigrations } from "graphile-worker";
import pg from "pg";

const [mode, jobsArg, secondsArg] = process.argv.slice(2);
const jobs = Number(jobsArg);
const windowMs = Number(secondsArg) * 1000;
const connectionString = process.env.DATABASE_URL;
if (!["plain", "local"].includes(mode) || !(jobs > 0) || !(windowMs > 0) || !connectionString) {
  console.error("usage: DATABASE_URL=postgres://... node drain.mjs plain|local JOBS SECONDS");
  process.exit(2);
}

const concurrency = 50;
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`graphile ${level}: ${message}`);
});
const options = {
  connectionString,
  concurrency,
  // Graphile's advice: at least concurrentJobs + 2, so every job slot can reach the database.
  maxPoolSize: concurrency + 2,
  noHandleSignals: true,
  logger,
  preset: {
    worker: mode === "local" ? { localQueue: { size: 500 }, completeJobBatchDelay: 0 } : {},
  },
};

await runMigrations(options);
const client = new pg.Client({ connectionString });
await client.connect();
const added = Date.now();
await client.query(
  `SELECT count(*) FROM graphile_worker.add_jobs(array(
     SELECT ('noop', '{}'::json, NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec
     FROM generate_series(1, $1::int)))`,
  [jobs],
);
console.log(`graphile ${mode}: added ${jobs} jobs in ${((Date.now() - added) / 1000).toFixed(1)} s`);

let done = 0;
let firstAt = 0;
let lastAt = 0;
let finish;
const finished = new Promise((resolve) => (finish = resolve));
const taskList = {
  noop: async () => {
    const now = performance.now();
    if (done === 0) {
      firstAt = now;
      setTimeout(() => finish("window"), windowMs);
    }
    done++;
    lastAt = now;
    if (done === jobs) finish("drained");
  },
};

const runner = await run({ ...options, taskList });
const how = await finished;
const counted = done;
const seconds = ((how === "drained" ? lastAt : performance.now()) - firstAt) / 1000;
await runner.stop();
const { rows } = await client.query("SELECT count(*)::int AS left FROM graphile_worker._private_jobs");
await client.end();
const rate = counted / seconds;
console.log(`graphile ${mode}: ${concurrency} concurrency ran ${counted} of ${jobs} jobs in ${seconds.toFixed(1)} s = ${Math.round(rate)}/s (${rows[0].left} left in the table)`);
console.log(`MEASURE graphile_${mode} jobs=${jobs} done=${counted} seconds=${seconds.toFixed(3)} jobs_per_s=${rate.toFixed(1)}`);
