// Imported first by workers/index.ts: the logger reads this when it is created, so every log line
// of the worker process says service "worker". (ES modules evaluate imports in order.)
process.env.BAUANTRAG_PROCESS = "worker";
