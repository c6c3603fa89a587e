// `npm run bench`: speed and memory figures, with ratios against the reference where there is one.
// Not a test: it prints, it does not fail on a missed goal.

import { benchCli, type Figure } from './cli.js'

function printFigures(title: string, figures: Figure[] | string): void {
  console.log(`\n## ${title}`)
  if (typeof figures === 'string') {
    console.log(`skipped: ${figures}`)
    return
  }
  for (const f of figures) {
    const ratio = f.reference ? ` ratio ${(f.ours / f.reference).toFixed(2)}x` : ''
    console.log(
      `${f.name.padEnd(44)} ours ${f.ours.toFixed(1).padStart(8)} ${f.unit}  reference ${f.reference.toFixed(1).padStart(8)} ${f.unit}${ratio}${f.goal ? `  (goal ${f.goal})` : ''}`,
    )
  }
}

printFigures('swift-init: ours vs reference, real Swift SAIO (7 instances)', await benchCli())

const { benchRouting } = await import('../electron/service/logs/bench-routing.js')
const routing = await benchRouting({ seconds: 5, linesPerSec: 20_000, instances: 10 })
console.log('\n## logs: syslog parse-and-route, 20,000 lines/s over 10 instances')
console.log(`lines routed per second  ${routing.linesPerSec.toFixed(0)}`)
console.log(`CPU per 1,000 lines      ${routing.cpuMsPerThousandLines.toFixed(2)} ms (${((routing.cpuMsPerThousandLines * 20) / 10).toFixed(1)}% of one core at 20,000 lines/s)`)
console.log(`RSS growth               ${(routing.rssDeltaBytes / 1048576).toFixed(1)} MiB`)
