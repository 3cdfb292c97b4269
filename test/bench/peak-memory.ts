// Preloaded into a task the bench runs (node --import): reports the process's peak resident
// memory on its way out, on stderr, for the bench to read.
process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`))
