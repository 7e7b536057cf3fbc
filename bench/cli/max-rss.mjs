// Preloaded (node --import) into the measured `workforce run`: at exit, writes the process's peak
// RSS (getrusage ru_maxrss: the main thread and its worker threads) to $WORKFORCE_BENCH_RSS_FILE,
// in bytes. /proc polling alone could miss a peak in the last moments before exit.
import { writeFileSync } from 'node:fs';

const file = process.env.WORKFORCE_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
